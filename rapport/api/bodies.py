"""Request bodies read *after* the access check.

Ninja validates a declared body before the endpoint runs, so a stranger posting
nonsense to someone else's relationship would learn "422: bad body" rather than
"404: no such relationship". Endpoints that change things therefore load the
relationship through the policy first and parse the body here, and describe
the body in the OpenAPI document with ``body_schema``.
"""

from __future__ import annotations

from typing import Any, TypeVar, cast

from django.http import HttpRequest
from ninja import Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ValidationError

SchemaT = TypeVar("SchemaT", bound=Schema)


def body_schema(schema: type[Schema]) -> dict:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schema.model_json_schema()}},
        }
    }


def parse_body(request: HttpRequest, schema: type[SchemaT]) -> SchemaT:
    if request.content_type != "application/json":
        raise HttpError(400, "Send the body as JSON (Content-Type: application/json).")
    try:
        return schema.model_validate_json(request.body or b"")
    except ValidationError as error:
        # pydantic's ErrorDetails are the dicts ninja expects, as a TypedDict.
        details = error.errors(include_url=False, include_context=False, include_input=False)
        raise NinjaValidationError(cast("list[dict[str, Any]]", details)) from error
