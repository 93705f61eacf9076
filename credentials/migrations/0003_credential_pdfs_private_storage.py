"""Certificate PDFs move from the public media storage to the private one (issue 12, finding 5).

Until now they were saved under MEDIA_ROOT/credentials/, which ``/media/`` (and any web server
serving MEDIA_ROOT) hands to anyone who knows the public id. Each file keeps its name, so the
rows only change if the private storage had to pick another one. Reversible: going back moves
them back.
"""

from django.core.files.storage import default_storage
from django.db import migrations, models

import credentials.storage

FOLDER = "credentials"


def _names_in(storage, Credential) -> list[str]:
    """Every credential file the storage holds: named by a row, or left in the folder."""
    names = set(Credential.objects.exclude(pdf="").values_list("pdf", flat=True))
    try:
        names.update(f"{FOLDER}/{name}" for name in storage.listdir(FOLDER)[1])
    except FileNotFoundError:  # no credential was ever issued here
        pass
    return sorted(name for name in names if storage.exists(name))


def move_files(source, target, Credential) -> int:
    """Move every credential file from ``source`` to ``target``; return how many moved.

    A file the target already has (written there by an issue that ran after the deploy) wins;
    the source's copy is only deleted once the target holds the file.
    """
    moved = 0
    for name in _names_in(source, Credential):
        if not target.exists(name):
            with source.open(name, "rb") as handle:
                stored = target.save(name, handle)
            if stored != name:
                Credential.objects.filter(pdf=name).update(pdf=stored)
        source.delete(name)
        moved += 1
    return moved


def to_private(apps, schema_editor):
    Credential = apps.get_model("credentials", "Credential")
    move_files(default_storage, credentials.storage.private_storage(), Credential)


def to_public(apps, schema_editor):
    Credential = apps.get_model("credentials", "Credential")
    move_files(credentials.storage.private_storage(), default_storage, Credential)


class Migration(migrations.Migration):
    dependencies = [
        ("credentials", "0002_verificationevent"),
    ]

    operations = [
        migrations.AlterField(
            model_name="credential",
            name="pdf",
            field=models.FileField(
                blank=True, storage=credentials.storage.private_storage, upload_to="credentials/"
            ),
        ),
        migrations.RunPython(to_private, to_public, elidable=False),
    ]
