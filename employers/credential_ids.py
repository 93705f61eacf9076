"""Reading a credential id the way people paste it: bare, or inside a verification link."""

import re

# Longer than any id Lineage issues (27 characters today), short enough to store and show.
MAX_CREDENTIAL_ID_LENGTH = 64
# "https://lineage.example/verify/<id>/", ".../verify/<id>.json", "/verify/<id>?x=y".
VERIFY_LINK = re.compile(r"/verify/([^/?#.\s]+)")


def normalise_credential_id(text: str) -> str:
    """The credential id in ``text``: trimmed, and taken out of a verification link if pasted.

    Anything else is returned trimmed, unchanged: whether it is a real id is for verification
    to say.
    """
    value = (text or "").strip()
    match = VERIFY_LINK.search(value)
    if match:
        return match.group(1)
    return value
