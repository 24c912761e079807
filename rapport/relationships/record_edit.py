"""Correcting and removing a record: one mechanism for every kind a person may fix.

A kind of record that can be corrected declares a ``Correctable`` (what its form is, how a
change is saved, where to go back to) and adds ``paths(...)`` to its app's URLs: an edit page
and a delete page for each. Both load the record through the policy's write door
(``policy.get_record_to_write`` with ``Write.CHANGE``): only its author, while a member of a
relationship that has not ended, reaches either; everyone else gets a 404. Deleting asks first
(a page that names what will go and what stays); what is deleted is gone, and its releases with
it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_http_methods

from rapport.privacy import policy
from rapport.privacy.actions import withdraw_all_releases
from rapport.privacy.relationships import RelationshipRecord
from rapport.privacy.types import AuthenticatedHttpRequest
from rapport.relationships.actions import forget_contact


def delete_record(record: RelationshipRecord) -> None:
    """Real deletion: the text is gone; the access log keeps only that it was read."""
    with transaction.atomic():
        withdraw_all_releases(record)
        record.delete()


def delete_contact(when: str) -> Callable[[RelationshipRecord], None]:
    """For a record that counted as contact (its time in the field ``when``): deleted, and
    coverage's last contact goes back to what remains."""

    def delete(record: RelationshipRecord) -> None:
        with transaction.atomic():
            at = getattr(record, when)
            delete_record(record)
            forget_contact(record.relationship_id, at)

    return delete


def _relationship_page(record: RelationshipRecord) -> str:
    return reverse("relationship_detail", args=[record.relationship_id])


_Record = TypeVar("_Record", bound=RelationshipRecord)


@dataclass(frozen=True)
class Correctable(Generic[_Record]):
    """How one kind of record is corrected and removed by its author."""

    name: str  # URL names are "<name>_edit" and "<name>_delete"
    label: str  # "classroom visit": the page says "Edit the classroom visit"
    model: type[_Record]
    form: Callable[[_Record, Any], forms.BaseForm]  # (record, posted data or None) -> a bound form
    save: Callable[[_Record, dict[str, Any]], None]  # (record, cleaned_data)
    summary: Callable[[_Record], str]  # what the delete page shows of the record
    back: Callable[[_Record], str] = _relationship_page  # where to go after saving or deleting
    delete: Callable[[_Record], None] = delete_record
    delete_note: str = ""  # what else a deletion takes with it, or leaves, in words


def _load(request: AuthenticatedHttpRequest, pk: int, record_pk: int, kind: Correctable[_Record]) -> _Record:
    relationship = policy.get_relationship_for(request.user, pk)
    return policy.get_record_to_write(
        request.user,
        kind.model._default_manager.filter(relationship=relationship),
        record_pk,
        policy.Write.CHANGE,
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(
    request: AuthenticatedHttpRequest, pk: int, record_pk: int, *, kind: Correctable[_Record]
) -> HttpResponse:
    record = _load(request, pk, record_pk, kind)
    form = kind.form(record, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        kind.save(record, form.cleaned_data)
        messages.success(request, f"Your changes to the {kind.label} are saved.")
        return redirect(kind.back(record))
    return render(
        request,
        "web/record_edit.html",
        {
            "kind": kind,
            "record": record,
            "relationship": record.relationship,
            "form": form,
            "back": kind.back(record),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def delete(
    request: AuthenticatedHttpRequest, pk: int, record_pk: int, *, kind: Correctable[_Record]
) -> HttpResponse:
    """GET asks (naming the record); POST deletes."""
    record = _load(request, pk, record_pk, kind)
    if request.method == "POST":
        kind.delete(record)  # the record keeps its relationship, and its pk is now None
        messages.success(request, f"The {kind.label} is deleted.")
        return redirect(kind.back(record))
    return render(
        request,
        "web/record_delete.html",
        {
            "kind": kind,
            "record": record,
            "relationship": record.relationship,
            "summary": kind.summary(record),
            "back": kind.back(record),
            "edit_url": reverse(f"{kind.name}_edit", args=[record.relationship_id, record.pk]),
        },
    )


def paths(route: str, kind: Correctable[Any]) -> list[URLPattern]:
    """The edit and delete pages of ``kind`` under ``route`` (e.g. "r/<int:pk>/visits/")."""
    return [
        path(f"{route}<int:record_pk>/edit/", edit, {"kind": kind}, name=f"{kind.name}_edit"),
        path(f"{route}<int:record_pk>/delete/", delete, {"kind": kind}, name=f"{kind.name}_delete"),
    ]
