"""Wagtail admin: superusers approve or suspend employer organisations.

Only superusers get here (``SuperuserOnlyPermissionPolicy``, registered in wagtail_hooks.py).
Each action is a confirmation page (GET) and the change itself (POST), which calls a service.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import BaseObjectMixin, WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from . import services
from .models import Organisation

ACTIONS = {
    "approve": {
        "title": "Approve",
        "service": services.organisation_approve,
        "actor": "approved_by",
        "question": (
            "Approve {name}? Its members will be able to create API tokens and run bulk "
            "checks, and they join the Employers group."
        ),
        "button": "Yes, approve",
        "done": "{name} is approved.",
    },
    "suspend": {
        "title": "Suspend",
        "service": services.organisation_suspend,
        "actor": "suspended_by",
        "question": (
            "Suspend {name}? Its API tokens stop working at once and its members can no longer "
            "check credentials in the employer area. You can approve it again later."
        ),
        "button": "Yes, suspend",
        "done": "{name} is suspended; its API tokens no longer work.",
    },
}


class OrganisationStatusView(
    PermissionCheckedMixin, BaseObjectMixin, WagtailAdminTemplateMixin, TemplateView
):
    model = Organisation
    permission_required = "change"
    template_name = "employers/admin/confirm_status_change.html"
    header_icon = "group"
    action = "approve"
    index_url_name = None
    inspect_url_name = None

    @property
    def spec(self) -> dict:
        return ACTIONS[self.action]

    def get_page_title(self):
        return f"{self.spec['title']} {self.object.name}"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": "Employer organisations"},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            organisation=self.object,
            question=self.spec["question"].format(name=self.object.name),
            button_label=self.spec["button"],
            danger=self.action == "suspend",
            cancel_url=reverse(self.index_url_name),
        )
        return context

    def post(self, request, *args, **kwargs):
        try:
            self.spec["service"](organisation=self.object, **{self.spec["actor"]: request.user})
        except services.OrganisationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, self.spec["done"].format(name=self.object.name))
        return redirect(self.index_url_name)
