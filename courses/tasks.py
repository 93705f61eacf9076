"""Celery tasks for courses. Thin: each calls a command or service."""

from celery import shared_task
from django.core.management import call_command


@shared_task(ignore_result=True)
def publish_scheduled_pages() -> None:
    """Publish/unpublish pages whose go-live/expiry time has passed (run every minute by beat)."""
    call_command("publish_scheduled")
