"""An index on Wagtail's page URL paths, for HomePage.route's one-lookup routing.

Wagtail's own routing walks the tree by slug and never looks pages up by ``url_path``, so
the column has no index of its own. Plain SQL that PostgreSQL and SQLite both understand.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0002_create_homepage"),
        ("wagtailcore", "0094_alter_page_locale"),
    ]

    operations = [
        migrations.RunSQL(
            sql="CREATE INDEX IF NOT EXISTS home_page_url_path_idx ON wagtailcore_page (url_path)",
            reverse_sql="DROP INDEX IF EXISTS home_page_url_path_idx",
        )
    ]
