"""The Employers role: a group for people acting for an approved organisation.

It carries no permissions: what an employer may see is decided by organisation membership
(employers.views), never by admin access. Members join when their organisation is approved
and leave when it is suspended (employers.services).
"""

from django.db import migrations

ROLE = "Employers"


def create_role(apps, schema_editor):
    apps.get_model("auth.Group").objects.get_or_create(name=ROLE)


def remove_role(apps, schema_editor):
    apps.get_model("auth.Group").objects.filter(name=ROLE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("employers", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_role, remove_role)]
