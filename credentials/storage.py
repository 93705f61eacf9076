"""Where credential files live: a private storage with no URL, never under MEDIA_ROOT.

A certificate PDF carries the holder's full name whatever the verification link shows, and
stays readable after a revocation, so it leaves the server only through the holder's download
view (``credentials.views.certificate_pdf``), which checks who asks.
"""

from django.core.files.storage import FileSystemStorage, storages

PRIVATE_STORAGE = "private"  # the alias in settings.STORAGES


def private_storage():
    """The private storage (``STORAGES["private"]``).

    A callable on the model field, so a migration names this function, not a setting, and
    tests and deployments can point the alias elsewhere.
    """
    return storages[PRIVATE_STORAGE]


class PrivateFileSystemStorage(FileSystemStorage):
    """Local files that no URL reaches: a link to one would be a link anyone could share."""

    def url(self, name):
        raise ValueError("Private files have no URL: a view that checks who asks serves them.")
