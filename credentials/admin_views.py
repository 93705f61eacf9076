"""Wagtail admin for credentials: find the ones that failed to issue, retry, inspect, revoke.

Who may see a credential is ``credentials_managed_by``: superusers see every credential;
when ``LINEAGE_INSTRUCTORS_MAY_REVOKE`` is on, a course's instructors see that course's; any
other credential is a 404, so nobody learns that it exists. The views stay thin: the writes
are ``services.credential_revoke`` and ``services.credential_retry``. Wagtail wraps every
admin URL in its own access check, so people without admin access never get here.
"""

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.text import Truncator
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BaseColumn, Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.generic.base import BaseListingView, WagtailAdminTemplateMixin
from wagtail.log_actions import log
from wagtail.log_actions import registry as log_registry

from courses.models import CoursePage

from .models import Credential
from .services import CredentialError, credential_retry, credential_revoke

TITLE = "Credentials"
ICON = "circle-check"
LOG_REVOKE = "lineage_credentials.revoke"
LOG_RETRY = "lineage_credentials.retry"
REVOCABLE_STATUSES = frozenset(Credential.Status) - {
    Credential.Status.REVOKED,
    Credential.Status.WITHDRAWN,
}


# --- Who sees what -------------------------------------------------------------------------


def courses_managed_by(user) -> QuerySet:
    """Courses whose credentials ``user`` may manage: all for superusers; taught ones when
    instructors may revoke (published instructor lists only, as in the progress reports)."""
    if not user.is_authenticated:
        return CoursePage.objects.none()
    if user.is_superuser:
        return CoursePage.objects.all()
    if settings.LINEAGE_INSTRUCTORS_MAY_REVOKE:
        return CoursePage.objects.filter(instructors=user, first_published_at__isnull=False)
    return CoursePage.objects.none()


def credentials_managed_by(user) -> QuerySet:
    """Credentials ``user`` may see, retry and revoke in the admin."""
    if user.is_authenticated and user.is_superuser:
        return Credential.objects.all()
    return Credential.objects.filter(course__in=courses_managed_by(user))


def can_manage_credentials(user) -> bool:
    """Whether the "Credentials" menu item shows and its listing opens."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or courses_managed_by(user).exists()


def managed_credential_or_404(user, pk: int) -> Credential:
    return get_object_or_404(credentials_managed_by(user).select_related("user"), pk=pk)


def is_revocable(credential: Credential) -> bool:
    return credential.status in REVOCABLE_STATUSES


def holder_label(credential: Credential) -> str:
    return credential.printed_name or "Holder’s name removed"


def course_title(credential: Credential) -> str:
    return credential.snapshot.get("course", {}).get("title", "")


# --- Listing -------------------------------------------------------------------------------


def _course_choices(request):
    return courses_managed_by(request.user).order_by("title")


class CredentialFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label="Status", choices=Credential.Status.choices, empty_label="All"
    )
    course = django_filters.ModelChoiceFilter(
        label="Course", queryset=_course_choices, empty_label="All"
    )

    class Meta:
        model = Credential
        fields = ["status", "course"]


class ActionsColumn(BaseColumn):
    """Retry (a POST form) for failed credentials, and a link to revoke revocable ones."""

    cell_template_name = "credentials/admin/actions_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context["request"]
        context.update(
            csrf_token=get_token(request),
            next_url=request.get_full_path(),
            can_retry=instance.status == Credential.Status.FAILED,
            can_revoke=is_revocable(instance),
        )
        return context


class CredentialIndexView(BaseListingView):
    """Every credential the user manages, newest activity first, filterable by status."""

    page_title = TITLE
    header_icon = ICON
    results_template_name = "credentials/admin/index_results.html"
    index_url_name = "credentials_admin:index"
    index_results_url_name = "credentials_admin:index_results"
    filterset_class = CredentialFilterSet
    default_ordering = "-updated_at"
    paginate_by = 50
    is_searchable = True
    search_fields = ["printed_name", "public_id", "user__email"]
    verbose_name = "credential"
    verbose_name_plural = "credentials"
    columns = [
        TitleColumn(
            "holder", label="Holder", accessor=holder_label, url_name="credentials_admin:detail"
        ),
        Column("course_title", label="Course", accessor=course_title),
        StatusTagColumn(
            "status",
            label="Status",
            accessor="get_status_display",
            sort_key="status",
            primary=lambda credential: credential.status == Credential.Status.ISSUED,
        ),
        Column("attempts", label="Attempts", sort_key="attempts"),
        Column(
            "last_error",
            label="Last error",
            accessor=lambda credential: Truncator(credential.last_error).chars(120),
        ),
        DateColumn("updated_at", label="Updated", sort_key="updated_at"),
        ActionsColumn("actions", label="Actions"),
    ]

    def dispatch(self, request, *args, **kwargs):
        if not can_manage_credentials(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        return credentials_managed_by(self.request.user).select_related("user")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.GET.get("status") != Credential.Status.FAILED:
            context["failed_count"] = (
                credentials_managed_by(self.request.user)
                .filter(status=Credential.Status.FAILED)
                .count()
            )
        return context


# --- One credential ------------------------------------------------------------------------


class CredentialMixin(WagtailAdminTemplateMixin):
    """Loads ``self.credential`` (404 unless the user manages it) before anything else."""

    header_icon = ICON

    def dispatch(self, request, *args, **kwargs):
        self.credential = managed_credential_or_404(request.user, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return f"{course_title(self.credential)}: {holder_label(self.credential)}"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("credentials_admin:index"), "label": TITLE},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            credential=self.credential,
            course_title=course_title(self.credential),
            holder=holder_label(self.credential),
            can_revoke=is_revocable(self.credential),
            can_retry=self.credential.status == Credential.Status.FAILED,
        )
        return context


class CredentialDetailView(CredentialMixin, TemplateView):
    template_name = "credentials/admin/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["history"] = (
            log_registry.get_logs_for_instance(self.credential)
            .select_related("user")
            .order_by("-timestamp")[:20]
        )
        return context


class RevokeForm(forms.Form):
    reason = forms.ChoiceField(
        label="Reason",
        choices=[("", "Choose a reason"), *Credential.RevocationReason.choices],
        error_messages={"required": "Choose why this credential is being revoked."},
        help_text="Verifiers see this reason with the revocation date.",
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "Recorded with the revocation. Write nothing you wouldn’t want the holder to read."
        ),
    )

    def clean_note(self):
        # Browsers submit line breaks as CRLF; store them the way everything else does.
        return self.cleaned_data["note"].replace("\r\n", "\n")


class CredentialRevokeView(CredentialMixin, TemplateView):
    """Choose a reason, confirm, then revoke: three steps, and only a POST ever writes.

    The first POST validates the form and shows the confirmation; only a POST carrying
    ``confirm`` revokes. A revoked or withdrawn credential shows why it can't be revoked.
    """

    template_name = "credentials/admin/revoke.html"
    confirm_template_name = "credentials/admin/revoke_confirm.html"

    def get_page_title(self):
        return f"Revoke: {super().get_page_title()}"

    def get_breadcrumbs_items(self):
        *trail, _ = super().get_breadcrumbs_items()
        return [
            *trail,
            {
                "url": reverse("credentials_admin:detail", args=[self.credential.pk]),
                "label": CredentialMixin.get_page_title(self),
            },
            {"url": "", "label": "Revoke"},
        ]

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=RevokeForm()))

    def post(self, request, *args, **kwargs):
        form = RevokeForm(request.POST)
        if not is_revocable(self.credential) or not form.is_valid() or "edit" in request.POST:
            return self.render_to_response(self.get_context_data(form=form))
        if "confirm" not in request.POST:
            return self.response_class(
                request=request,
                template=[self.confirm_template_name],
                context=self.get_context_data(
                    form=form,
                    reason_label=Credential.RevocationReason(form.cleaned_data["reason"]).label,
                ),
            )
        try:
            revoked = credential_revoke(
                credential=self.credential,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except CredentialError as exc:
            self.credential.refresh_from_db()
            return self.render_to_response(self.get_context_data(form=form, problem=str(exc)))
        log(
            instance=revoked,
            action=LOG_REVOKE,
            user=request.user,
            data={"reason": revoked.revocation_reason, "note": revoked.revocation_note},
        )
        messages.success(
            request,
            f"Revoked: {holder_label(revoked)}, {course_title(revoked)}. "
            "Verifiers see it as revoked from now on.",
        )
        return redirect("credentials_admin:detail", revoked.pk)


@require_POST
def credential_retry_view(request, pk: int):
    """Send a failed credential back to the issuing queue."""
    credential = managed_credential_or_404(request.user, pk)
    try:
        retried = credential_retry(credential=credential)
    except CredentialError as exc:
        messages.error(request, str(exc))
    else:
        log(instance=retried, action=LOG_RETRY, user=request.user)
        messages.success(
            request, f"Issuing again: {holder_label(retried)}, {course_title(retried)}."
        )
    next_url = get_valid_next_url_from_request(request)
    return redirect(next_url or reverse("credentials_admin:detail", args=[credential.pk]))
