"""What verifiers fetch without signing in: the status list and the issuer's public keys.

Every response here is public, the same for everyone, and readable from other origins, so a
verifier running in a browser on another site can check a credential. Nothing here can return
private key material: keys are read from ``IssuerKey`` rows, which only hold public halves.
"""

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_safe

from .issuer import did_document, issuer_domain, uses_did_web
from .keys import did_key_verification_method, did_web_for, multibase_to_ed25519_public
from .models import IssuerKey
from .ob3 import format_datetime_z
from .rendering import status_list_url
from .status import MEDIA_TYPE, published_status_list


def _public(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def status_list(request) -> HttpResponse:
    """The signed revocation list. Clients revalidate each time; unchanged lists cost a 304."""
    published = published_status_list()
    response = HttpResponse(published.body, content_type=MEDIA_TYPE)
    response["ETag"] = published.etag
    response["Cache-Control"] = "public, no-cache"
    return _public(get_conditional_response(request, etag=published.etag, response=response))


@require_safe
def did_json(request) -> JsonResponse:
    """The did:web DID document, every key included; only when the issuer uses did:web."""
    if not uses_did_web():
        raise Http404("This issuer identifies itself with did:key.")
    response = JsonResponse(did_document())
    response["Cache-Control"] = "public, max-age=300"
    return _public(response)


def issuer_key_listing() -> dict:
    """Every issuer key, retired ones included, with its verification method ids."""
    did_web = did_web_for(issuer_domain())
    keys = []
    for key in IssuerKey.objects.order_by("created_at", "pk"):
        public_key = multibase_to_ed25519_public(key.public_multibase)
        keys.append(
            {
                "id": key.key_id,
                "type": "Multikey",
                "publicKeyMultibase": key.public_multibase,
                "created": format_datetime_z(key.created_at),
                "retired": format_datetime_z(key.retired_at) if key.retired_at else None,
                "verificationMethod": {
                    "did:key": did_key_verification_method(public_key),
                    "did:web": f"{did_web}#{key.key_id}",
                },
            }
        )
    return {
        "issuer": settings.LINEAGE_ISSUER_NAME,
        "didMethod": settings.LINEAGE_ISSUER_DID_METHOD,
        "didDocument": f"{settings.LINEAGE_BASE_URL}/.well-known/did.json"
        if uses_did_web()
        else None,
        "statusList": status_list_url(),
        "keys": keys,
    }


@require_safe
def issuer_keys(request) -> JsonResponse:
    """Every public key the issuer has signed with, for people and tools checking by hand."""
    response = JsonResponse(issuer_key_listing(), json_dumps_params={"indent": 2})
    response["Cache-Control"] = "public, max-age=300"
    return _public(response)
