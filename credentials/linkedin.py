"""LinkedIn's "Add to profile" link for a credential (a plain link: no API, no script).

The link is the one LinkedIn's Add to Profile generator (addtoprofile.linkedin.com) builds: it
opens the holder's own LinkedIn with the certification form filled in, and they confirm there.
Nothing is sent to LinkedIn unless they follow it.
"""

from urllib.parse import quote, urlencode

from django.conf import settings
from django.utils import timezone

from .models import Credential

ADD_TO_PROFILE_URL = "https://www.linkedin.com/profile/add"


def linkedin_add_to_profile_url(credential: Credential) -> str:
    """The add-to-profile URL for ``credential``, every parameter URL-encoded.

    The issue month and year are the issue date's (in the site's time zone); the expiry
    parameters are left out when the credential doesn't expire. ``certUrl`` is the public
    verification link, so whoever follows it from LinkedIn sees the live status.
    """
    issued = credential.issued_at or credential.valid_from or credential.created_at
    issued_on = timezone.localdate(issued) if issued else timezone.localdate()
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": credential.snapshot["course"]["title"],
        "organizationName": settings.LINEAGE_ISSUER_NAME,
        "issueYear": issued_on.year,
        "issueMonth": issued_on.month,
    }
    if credential.expires_on:
        params["expirationYear"] = credential.expires_on.year
        params["expirationMonth"] = credential.expires_on.month
    params["certUrl"] = credential.verify_url
    params["certId"] = credential.public_id
    # quote (not quote_plus): spaces as %20, and "/" and ":" in certUrl encoded too.
    return f"{ADD_TO_PROFILE_URL}?{urlencode(params, quote_via=quote, safe='')}"
