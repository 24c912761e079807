"""Visits and commitments, corrected or removed by their author (``rapport.relationships.record_edit``)."""

from __future__ import annotations

import datetime

from django import forms
from django.urls import reverse
from django.utils import timezone

from rapport.coaching.forms import CommitmentForm, VisitForm
from rapport.coaching.models import Commitment, Visit
from rapport.relationships.record_edit import Correctable, delete_contact


def _visit_form(visit: Visit, data) -> VisitForm:
    when = timezone.localtime(visit.visited_at)
    initial = {
        "day": when.date(),
        "start": when.time().replace(second=0, microsecond=0),
        "minutes": visit.minutes,
        "students_doing": visit.students_doing,
        "what_worked": visit.what_worked,
        "wonderings": visit.wonderings,
    }
    return VisitForm(data, initial=initial)


def _save_visit(visit: Visit, data: dict) -> None:
    for name in ("visited_at", "minutes", "students_doing", "what_worked", "wonderings"):
        setattr(visit, name, data[name])
    visit.save()


def _visit_back(visit: Visit) -> str:
    """The visit's page; once it is deleted, the relationship page."""
    if visit.pk is None:
        return reverse("relationship_detail", args=[visit.relationship_id])
    return reverse("visit_detail", args=[visit.relationship_id, visit.pk])


VISIT = Correctable(
    name="visit",
    label="classroom visit",
    model=Visit,
    form=_visit_form,
    save=_save_visit,
    summary=lambda visit: f"{timezone.localtime(visit.visited_at):%b %-d, %Y}: {visit.students_doing}",
    back=_visit_back,
    delete=delete_contact("visited_at"),
    delete_note="If it was your latest contact, coverage goes back to the one before.",
)


class CommitmentEditForm(CommitmentForm):
    """The same fields as a new commitment; a due date that has passed may stay as it was."""

    def __init__(self, *args, commitment: Commitment, **kwargs):
        self.commitment = commitment
        super().__init__(*args, relationship=commitment.relationship, **kwargs)
        self.fields["due_on"].label = "Due (a new date reschedules it)"

    def clean_due_on(self) -> datetime.date:
        due_on = self.cleaned_data["due_on"]
        if due_on != self.commitment.due_on and due_on < timezone.localdate():
            raise forms.ValidationError("That date has passed. Choose today or a later date.")
        return due_on


def _commitment_form(commitment: Commitment, data) -> CommitmentEditForm:
    initial = {
        name: getattr(commitment, name)
        for name in ("owner", "what", "due_on", "resource_title", "resource_url")
    }
    return CommitmentEditForm(data, initial=initial, commitment=commitment)


def _save_commitment(commitment: Commitment, data: dict) -> None:
    for name in ("owner", "what", "due_on", "resource_title", "resource_url"):
        setattr(commitment, name, data[name])
    commitment.save()


COMMITMENT = Correctable(
    name="commitment",
    label="commitment",
    model=Commitment,
    form=_commitment_form,
    save=_save_commitment,
    summary=lambda commitment: f"{commitment.what} (due {commitment.due_on:%b %-d, %Y})",
    back=lambda commitment: reverse("commitments", args=[commitment.relationship_id]),
)
