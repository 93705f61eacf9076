from django.db import migrations, models
from django.db.models.functions import Now


def confirm_names_already_given(apps, schema_editor):
    # People who already typed a name for their certificates on their profile have chosen it.
    User = apps.get_model("accounts", "User")
    User.objects.exclude(credential_name="").update(credential_name_confirmed_at=Now())


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_verification_visibility"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="credential_name_confirmed_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="When the person last confirmed the name to print on their credentials.",
                null=True,
                verbose_name="name on credentials confirmed",
            ),
        ),
        migrations.RunPython(confirm_names_already_given, migrations.RunPython.noop),
    ]
