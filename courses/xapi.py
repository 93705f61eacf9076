"""Export a learner's record as xAPI 1.0.3 statements."""

from django.conf import settings

from .models import LearningRecord


def actor_for(user) -> dict:
    """An xAPI Agent identified by account (no email address leaves Lineage this way)."""
    return {
        "objectType": "Agent",
        "name": user.get_display_name(),
        "account": {"homePage": settings.LINEAGE_BASE_URL, "name": str(user.pk)},
    }


def statement(record: LearningRecord, actor: dict) -> dict:
    verb_label = LearningRecord.Verb(record.verb).label
    data = {
        "id": str(record.statement_id),
        "actor": actor,
        "verb": {"id": record.verb, "display": {"en": verb_label}},
        "object": {
            "objectType": "Activity",
            "id": record.object_id,
            "definition": {
                "name": {"en": record.object_name},
                "type": f"{settings.LINEAGE_BASE_URL}/xapi/activity-types/{record.object_type}",
            },
        },
        "timestamp": record.timestamp.isoformat().replace("+00:00", "Z"),
        "version": "1.0.3",
    }
    if record.result:
        data["result"] = record.result
    if record.context_id:
        data["context"] = {
            "contextActivities": {"parent": [{"objectType": "Activity", "id": record.context_id}]}
        }
    return data


def statements_for(user) -> list[dict]:
    actor = actor_for(user)
    return [statement(r, actor) for r in LearningRecord.objects.for_user(user).iterator()]
