"""Touchpoints and noticings, corrected or removed by their author (``rapport.relationships.record_edit``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from rapport.relationships.forms import NoticingForm, TouchpointForm
from rapport.relationships.models import Noticing, Touchpoint
from rapport.relationships.record_edit import Correctable, delete_contact


def _history(record) -> str:
    return reverse("relationship_history", args=[record.relationship_id])


def _save_fields(*names: str):
    def save(record, data: dict) -> None:
        for name in names:
            setattr(record, name, data[name])
        record.save()

    return save


TOUCHPOINT = Correctable(
    name="touchpoint",
    label="touchpoint",
    model=Touchpoint,
    form=lambda touchpoint, data: TouchpointForm(data, instance=touchpoint),
    save=_save_fields("kind", "note"),
    summary=lambda t: (
        f"{t.get_kind_display()}, {timezone.localtime(t.happened_at):%b %-d, %Y}"
        + (f": {t.note}" if t.note else "")
    ),
    back=_history,
    delete=delete_contact("happened_at"),
    delete_note="If it was your latest contact, coverage goes back to the one before.",
)

NOTICING = Correctable(
    name="noticing",
    label="noticing",
    model=Noticing,
    form=lambda noticing, data: NoticingForm(data, instance=noticing),
    save=_save_fields("body", "noticed_on"),
    summary=lambda n: f"{n.noticed_on:%b %-d, %Y}: {n.body}",
    delete_note="An appreciation already sent from it stays as it was sent.",
)
