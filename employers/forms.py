"""Forms for the employer area. Messages say what to do, GOV.UK style."""

from datetime import datetime

from django import forms
from django.core import signing
from django.core.validators import FileExtensionValidator
from django.utils import timezone

from . import bulk
from .credential_ids import MAX_CREDENTIAL_ID_LENGTH, normalise_credential_id
from .models import CheckedCredential

# A verdict shown to a member can be kept for this long before it must be checked again.
VERDICT_SAVE_MAX_AGE = 60 * 60
VERDICT_SALT = "employers.checked-credential"


class OrganisationSignupForm(forms.Form):
    name = forms.CharField(
        label="Organisation name",
        max_length=200,
        help_text="Its full name, as it appears on its website or in official records.",
        error_messages={
            "required": "Enter your organisation’s name",
            "max_length": "Organisation name must be 200 characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    website = forms.URLField(
        label="Website (optional)",
        required=False,
        max_length=300,
        assume_scheme="https",
        help_text="Helps us confirm who you are, for example https://studio.example.",
        error_messages={
            "invalid": "Enter a website address in the correct format, like https://studio.example",
            "max_length": "Website must be 300 characters or fewer",
        },
        widget=forms.URLInput(attrs={"autocomplete": "url", "spellcheck": "false"}),
    )
    reason = forms.CharField(
        label="Why do you want to verify Lineage credentials?",
        max_length=1000,
        help_text="A sentence or two, for example “We hire editors and check their training”.",
        error_messages={
            "required": "Tell us why you want to verify Lineage credentials",
            "max_length": "Your reason must be 1,000 characters or fewer",
        },
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Enter your organisation’s name")
        return name


class CredentialCheckForm(forms.Form):
    public_id = forms.CharField(
        label="Credential id or verification link",
        max_length=300,
        help_text="Printed under the QR code on the certificate, or the link the holder sent you.",
        error_messages={
            "required": "Enter the credential id or verification link",
            "max_length": "That is too long to be a credential id or verification link",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_public_id(self) -> str:
        public_id = normalise_credential_id(self.cleaned_data["public_id"])
        if not public_id:
            raise forms.ValidationError("Enter the credential id or verification link")
        if len(public_id) > MAX_CREDENTIAL_ID_LENGTH:
            raise forms.ValidationError(
                "That is too long to be a credential id. Copy the id printed under the QR code, "
                "or the whole verification link"
            )
        return public_id


def verdict_token(*, organisation, public_id: str, verdict) -> str:
    """A signed record of what a member was shown, so saving it needs no second check."""
    return signing.dumps(
        {
            "o": organisation.pk,
            "id": public_id,
            "s": verdict.status,
            "h": verdict.headline,
            "t": timezone.now().isoformat(),
        },
        salt=VERDICT_SALT,
    )


class CheckedCredentialSaveForm(forms.Form):
    # Checked in clean(): a problem with it is the form's, not a field anyone can correct.
    verdict = forms.CharField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=500,
        help_text="For your colleagues, for example the applicant’s reference number.",
        error_messages={"max_length": "Your note must be 500 characters or fewer"},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    CANNOT_SAVE = "This result can’t be saved. Check the credential again, then save it."

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean(self):
        cleaned = super().clean()
        try:
            data = signing.loads(
                cleaned.get("verdict") or "", salt=VERDICT_SALT, max_age=VERDICT_SAVE_MAX_AGE
            )
        except signing.SignatureExpired:
            raise forms.ValidationError(
                "This result is more than an hour old. Check the credential again, then save it."
            ) from None
        except signing.BadSignature:
            raise forms.ValidationError(self.CANNOT_SAVE) from None
        if data.get("o") != self.organisation.pk:
            raise forms.ValidationError(self.CANNOT_SAVE)
        if data.get("s") not in CheckedCredential.Status.values:
            raise forms.ValidationError("Only a verdict about a real credential id can be kept.")
        data["t"] = datetime.fromisoformat(data["t"])
        cleaned["verdict"] = data
        return cleaned


class ApiTokenCreateForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=100,
        help_text="What will use it, for example “Applicant tracking system”.",
        error_messages={
            "required": "Enter a name for the token",
            "max_length": "Token name must be 100 characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Enter a name for the token")
        return name


class BulkCheckForm(forms.Form):
    file = forms.FileField(
        label="CSV file of credential ids",
        help_text=(
            "One credential id or verification link per row, in the first column; a header "
            f"row is optional. At most {bulk.MAX_ROWS:,} rows and "
            f"{bulk.size_label(bulk.MAX_UPLOAD_BYTES)}, saved as “CSV UTF-8”."
        ),
        validators=[FileExtensionValidator(["csv", "txt"])],
        error_messages={
            "required": "Choose a CSV file of credential ids",
            "empty": "The file is empty",
            "invalid_extension": "The file must be a CSV file (ending in .csv)",
        },
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > bulk.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is larger than the {bulk.size_label(bulk.MAX_UPLOAD_BYTES)} limit. "
                "Split it into smaller files and check each one."
            )
        return upload.read(bulk.MAX_UPLOAD_BYTES + 1)
