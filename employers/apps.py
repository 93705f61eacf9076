from django.apps import AppConfig


class EmployersConfig(AppConfig):
    name = "employers"
    verbose_name = "Employers"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from credentials.openapi import register_openapi_part

        from .membership import employer_member_version_bump
        from .models import OrganisationMember
        from .openapi import bulk_check_part

        register_openapi_part(bulk_check_part)

        for signal in (post_save, post_delete):
            signal.connect(
                employer_member_version_bump,
                sender=OrganisationMember,
                dispatch_uid=f"employer-member-{id(signal)}",
            )
