"""The shapes the API reads and writes."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import BaseModel, Field, StringConstraints

# Ids outside a 63-bit integer cannot exist; refusing them keeps the database out of it.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class RelationshipOut(BaseModel):
    """Built from plain values (``api.relationships.relationships_out``), so a plain pydantic
    model: ninja's Schema would read each row through its Django attribute getter first."""

    id: int
    kind: str
    teacher_id: int
    teacher_name: str
    school: str
    focus: str
    started_on: date
    ended_on: date | None
    last_contact_at: datetime | None


class NoteOut(Schema):
    id: int
    relationship_id: int
    author_id: int
    visibility: str
    body: str
    created_at: datetime
    updated_at: datetime


class NoteIn(Schema):
    body: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
    visibility: Literal["private", "shared"] = "private"


class Page(Schema):
    """Paging for lists: at most ``limit`` items from ``offset``."""

    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0, le=1_000_000_000)


class SessionOut(Schema):
    id: int
    relationship_id: int
    visibility: str
    starts_at: datetime
    ends_at: datetime
    wrap_up_at: datetime
    place: str
    status: str
    cancelled_by: str
    agenda: str
    notes: str


class CommitmentOut(Schema):
    id: int
    relationship_id: int
    visibility: str
    owner: str
    what: str
    due_on: date
    done_on: date | None
    resource_title: str
    resource_url: str


class GoalOut(Schema):
    """A coaching cycle's student-centred goal."""

    id: int
    relationship_id: int
    visibility: str
    student_goal: str
    measure: str
    baseline: Decimal
    target: Decimal
    target_date: date
    status: str
