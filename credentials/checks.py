"""System checks: private files never sit under a folder the site serves publicly."""

from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.files.storage import FileSystemStorage

from .storage import private_storage


@checks.register(checks.Tags.security)
def private_files_stay_private(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """The private storage's folder is not inside MEDIA_ROOT or STATIC_ROOT.

    ``/media/`` under ``make run`` and any web server told to serve those folders would hand
    its files (certificate PDFs, with the holder's name) to anyone who guesses a name.
    """
    storage = private_storage()
    if not isinstance(storage, FileSystemStorage):
        return []
    private = Path(storage.location).resolve()
    errors = []
    for name in ("MEDIA_ROOT", "STATIC_ROOT"):
        public = getattr(settings, name, None)
        if public and private.is_relative_to(Path(public).resolve()):
            errors.append(
                checks.Error(
                    f"The private file storage ({private}) is inside {name} ({public}), "
                    "which is served publicly.",
                    hint="Set LINEAGE_PRIVATE_ROOT to a folder outside MEDIA_ROOT and "
                    "STATIC_ROOT (docs/deploy.md).",
                    id="credentials.E001",
                )
            )
    return errors
