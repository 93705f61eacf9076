"""Rendering form fields the GOV.UK way: hint and error message tied to the input."""

from django import template

register = template.Library()


@register.simple_tag
def field_widget(field):
    """Render a bound field's widget with ``aria-describedby`` naming its hint and error.

    The ids match ``templates/accounts/includes/field.html``, so a screen reader reads the
    hint and the error message when the input gets focus.
    """
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_helptext")
    if field.errors:
        described_by.append(f"{field.auto_id}-error")
    attrs = {"aria-describedby": " ".join(described_by)} if described_by else None
    return field.as_widget(attrs=attrs)
