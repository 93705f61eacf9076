"""The API reference page (``/api/docs/``): the OpenAPI document, readable.

Built on the server from ``openapi_document()`` itself, so the page and the JSON can't
disagree, and rendered with Django templates: nothing is fetched from anywhere else.
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import render
from django.views.decorators.http import require_GET

from .openapi import openapi_document

METHODS = ("get", "post", "put", "patch", "delete")
REF_PREFIX = "#/components/schemas/"


def schema_words(schema: dict[str, Any]) -> dict[str, Any]:
    """A schema as a type in words, plus the component it refers to (for a link), if any."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix(REF_PREFIX)
        return {"type": name, "ref": name}
    if "const" in schema:
        return {"type": f'always "{schema["const"]}"', "ref": None}
    kinds = schema.get("type", "object")
    kinds = list(kinds) if isinstance(kinds, list) else [kinds]
    if "array" in kinds and "items" in schema:
        items = schema_words(schema["items"])
        kinds[kinds.index("array")] = f"array of {items['type']}"
        words = " or ".join(kinds)
        return {"type": words, "ref": items["ref"]}
    words = " or ".join(kinds)
    if schema.get("format"):
        words += f" ({schema['format']})"
    return {"type": words, "ref": None}


def schema_fields(schema: dict[str, Any], depth: int = 0) -> list[dict[str, Any]]:
    """An object schema's properties, each with its type in words, required or not."""
    required = set(schema.get("required", ()))
    fields = []
    for name, prop in schema.get("properties", {}).items():
        fields.append(
            {
                "name": name,
                "required": name in required,
                "description": prop.get("description", ""),
                "enum": prop.get("enum", []),
                # One level down, e.g. the steps listed in an achievement.
                "fields": schema_fields(prop.get("items", {}), depth + 1) if depth < 1 else [],
                **schema_words(prop),
            }
        )
    return fields


def _content(content: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"media_type": media_type, **schema_words(body.get("schema", {})), "body": body}
        for media_type, body in content.items()
    ]


def _token_need(security: list) -> str:
    """'required', 'optional' or '' (no token), from an OpenAPI security requirement list."""
    if not security or security == [{}]:
        return ""
    return "optional" if {} in security else "required"


def _operation(path: str, method: str, op: dict[str, Any], default_security) -> dict[str, Any]:
    security = op.get("security", default_security)
    body = op.get("requestBody")
    return {
        "id": op.get("operationId") or f"{method}-{path}",
        "method": method.upper(),
        "path": path,
        "summary": op.get("summary", ""),
        "description": op.get("description", ""),
        "token": _token_need(security),
        "parameters": [
            {
                **parameter,
                **schema_words(parameter.get("schema", {})),
            }
            for parameter in op.get("parameters", [])
        ],
        "request_body": (
            {
                "required": body.get("required", False),
                "description": body.get("description", ""),
                "content": [
                    {**item, "fields": schema_fields(item["body"].get("schema", {}))}
                    for item in _content(body.get("content", {}))
                ],
            }
            if body
            else None
        ),
        "responses": [
            {
                "status": status,
                "description": response.get("description", ""),
                "headers": [
                    {"name": name, "description": header.get("description", "")}
                    for name, header in response.get("headers", {}).items()
                ],
                "content": _content(response.get("content", {})),
            }
            for status, response in op.get("responses", {}).items()
        ],
    }


def api_reference(document: dict[str, Any]) -> dict[str, Any]:
    """What the reference page shows, in the document's order."""
    default_security = document.get("security", [{}])
    operations = [
        _operation(path, method, item[method], default_security)
        for path, item in document.get("paths", {}).items()
        for method in METHODS
        if method in item
    ]
    schemas = [
        {"name": name, "description": schema.get("description", ""), **_shape(schema)}
        for name, schema in document.get("components", {}).get("schemas", {}).items()
    ]
    return {
        "info": document.get("info", {}),
        "servers": document.get("servers", []),
        "security_schemes": document.get("components", {}).get("securitySchemes", {}),
        "operations": operations,
        "schemas": schemas,
    }


def _shape(schema: dict[str, Any]) -> dict[str, Any]:
    if "properties" in schema:
        return {"fields": schema_fields(schema), "type": "object", "ref": None}
    return {"fields": [], **schema_words(schema)}


@require_GET
def api_docs(request):
    """``GET /api/docs/``: the API reference, from the OpenAPI document."""
    return render(request, "credentials/api_docs.html", api_reference(openapi_document()))
