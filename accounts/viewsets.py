"""Wagtail admin: the Users screens edit display name and name on credentials too."""

from django import forms
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet

PROFILE_FIELDS = ("display_name", "credential_name")


class LineageUserCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | set(PROFILE_FIELDS)
        widgets = {"groups": forms.CheckboxSelectMultiple}


class LineageUserEditForm(UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | set(PROFILE_FIELDS)
        widgets = {"groups": forms.CheckboxSelectMultiple}


class LineageUserViewSet(UserViewSet):
    def get_form_class(self, for_update=False):
        return LineageUserEditForm if for_update else LineageUserCreationForm
