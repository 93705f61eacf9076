"""``manage.py issuer_key_rotate``: sign new credentials with a fresh Ed25519 key.

The previous key is retired, not deleted: it stays in the did:web document and on
/credentials/issuer/keys.json, so every credential it signed keeps verifying. Run it once
before going live (production never creates keys on its own) and whenever a key should go.
"""

from django.core.management.base import BaseCommand

from credentials.issuer import issuer_key_create, verification_method_for
from credentials.models import IssuerKey
from credentials.status import status_list_invalidate


class Command(BaseCommand):
    help = "Create a new issuer signing key and retire the active one (it stays published)."

    def handle(self, *args, **options):
        retiring = list(
            IssuerKey.objects.filter(retired_at__isnull=True).values_list("key_id", flat=True)
        )
        key = issuer_key_create()
        # The status list is re-signed with the new key on its next read.
        status_list_invalidate()
        self.stdout.write(key.key_id)
        self.stderr.write(f"Verification method: {verification_method_for(key)}")
        for key_id in retiring:
            self.stderr.write(
                f"Retired {key_id}: it stays published, so what it signed still verifies."
            )
