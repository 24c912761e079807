"""Making export files in the background, for one person each.

``run(export_id)`` is what the worker calls: it builds the file for the
export's kind, encrypts it, and stores it through Django's storage. Builders
read through rapport.privacy.policy like any page does, so an export can never
hold more than its owner may see (the person's own data export reads
``policy.records_about``, logged as an export).
"""

from __future__ import annotations

import io
import json
import logging
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypedDict

from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone

from rapport.insights import tabular
from rapport.insights.models import Export
from rapport.privacy import encryption, policy
from rapport.privacy.relationships import RelationshipRecord

logger = logging.getLogger(__name__)

Progress = Callable[[int], None]


@dataclass
class ExportFile:
    content: bytes
    filename: str
    content_type: str


Builder = Callable[[Export, Progress], ExportFile]
BUILDERS: dict[str, Builder] = {}


def builder(*kinds: str):
    def register(func: Builder) -> Builder:
        for kind in kinds:
            BUILDERS[kind] = func
        return func

    return register


# A job is delivered again only when the worker that had it died (RQ requeues abandoned
# jobs), so an export still "running" is taken up again rather than left unfinished.
UNFINISHED = (Export.Status.QUEUED, Export.Status.RUNNING)


def run(export_id: int) -> None:
    export = Export.objects.select_related("owner").filter(pk=export_id, status__in=UNFINISHED).first()
    if export is None:
        return
    Export.objects.filter(pk=export.pk).update(status=Export.Status.RUNNING, progress=5)

    def progress(percent: int) -> None:
        Export.objects.filter(pk=export.pk).update(progress=max(5, min(percent, 99)))

    try:
        made = BUILDERS[export.kind](export, progress)
    except Exception as error:
        # The type only: a message could quote confidential text.
        logger.error("export %s (%s) failed: %s", export.pk, export.kind, type(error).__name__)
        Export.objects.filter(pk=export.pk).update(status=Export.Status.FAILED, finished_at=timezone.now())
        return
    export.file.save(f"{uuid.uuid4().hex}.bin", ContentFile(seal(made.content)), save=False)
    finished = Export.objects.filter(pk=export.pk, status=Export.Status.RUNNING).update(
        file=export.file.name,
        filename=made.filename,
        content_type=made.content_type,
        status=Export.Status.DONE,
        progress=100,
        finished_at=timezone.now(),
    )
    if not finished:  # another delivery finished it first, or it was deleted meanwhile: keep one file
        export.file.delete(save=False)


def seal(content: bytes) -> bytes:
    """Export files are encrypted at rest like every confidential field."""
    return encryption.cipher().encrypt(content)


def unseal(stored: bytes) -> bytes:
    return encryption.cipher().decrypt(stored)


def read_file(export: Export) -> bytes:
    with export.file.open("rb") as handle:
        return unseal(handle.read())


# --- The person's own data ---------------------------------------------------------------


def record_fields(record: models.Model) -> list[tuple[str, str, object]]:
    """(attribute, label, value) for every stored field of any record, generically."""
    fields = []
    for field in record._meta.concrete_fields:
        value = field.value_from_object(record)
        if isinstance(field, models.FileField):
            value = value.name or None
        fields.append((field.attname, str(field.verbose_name), value))
    return fields


def record_data(record) -> dict:
    data = {"record": record.access_label(), "author": record.author.full_name}
    data.update({attname: value for attname, _, value in record_fields(record)})
    return data


class _Section(TypedDict):
    """One kind of record in the person's own data."""

    label: str
    model: str
    records: list[RelationshipRecord]


@builder(Export.Kind.MY_DATA)
def my_data(export: Export, progress: Progress) -> ExportFile:
    person = export.owner
    relationships = list(policy.coached_in(person).select_related("coach", "teacher", "school"))
    changes = list(policy.administrative_changes_for(person).order_by("at", "pk"))
    found = policy.records_about(person)
    progress(40)
    sections: list[_Section] = [
        {
            "label": str(model._meta.verbose_name_plural).capitalize(),
            "model": model._meta.label,
            "records": records,
        }
        for model, records in found.items()
    ]
    releases = list(
        policy.releases_by(person).select_related("leader", "content_type").order_by("released_at")
    )
    shares = list(
        policy.coach_lead_shares_about(person)
        .select_related("coach", "coach_lead", "content_type")
        .order_by("shared_at", "pk")
    )
    access_log = list(policy.access_log_for(person).order_by("seq"))
    progress(70)
    data = {
        "made_at": timezone.now(),
        "person": {"name": person.full_name, "email": person.email},
        "relationships": [
            {
                "id": r.pk,
                "kind": r.kind,
                "coach": r.coach.full_name,
                "teacher": r.teacher.full_name,
                "school": r.school.name,
                "focus": r.focus,
                "started_on": r.started_on,
                "ended_on": r.ended_on,
            }
            for r in relationships
        ],
        "changes_by_administrators": [
            {"at": c.at, "by": c.actor_label, "what": c.get_change_display(), "description": c.description}
            for c in changes
        ],
        "records": {s["model"]: [record_data(record) for record in s["records"]] for s in sections},
        "releases": [
            {
                "record": f"{release.content_type.model} #{release.object_id}",
                "relationship_id": release.relationship_id,
                "leader": release.leader.full_name,
                "released_at": release.released_at,
                "revoked_at": release.revoked_at,
            }
            for release in releases
        ],
        "shared_with_coach_leads": [
            {
                "record": f"{share.content_type.model} #{share.object_id}",
                "relationship_id": share.relationship_id,
                "shared_by": share.coach.full_name,
                "coach_lead": share.coach_lead.full_name,
                "shared_at": share.shared_at,
                "ended_at": share.ended_at,
                "why_it_ended": share.get_ended_because_display(),
            }
            for share in shares
        ],
        "access_log": [
            {
                "at": entry.at,
                "who": entry.accessor.full_name,
                "record": entry.record_label,
                "relationship_id": entry.relationship_id,
                "why": entry.get_purpose_display(),
                "entry_hash": entry.entry_hash,
            }
            for entry in access_log
        ],
    }
    page = render_to_string(
        "insights/my_data_export.html",
        {
            "person": person,
            "made_at": data["made_at"],
            "relationships": relationships,
            "changes": changes,
            "sections": [
                {**s, "rows": [(record, record_fields(record)) for record in s["records"]]} for s in sections
            ],
            "releases": releases,
            "shares": shares,
            "access_log": access_log,
        },
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("rapport-my-data.json", json.dumps(data, cls=DjangoJSONEncoder, indent=2))
        archive.writestr("rapport-my-data.html", page)
    return ExportFile(
        buffer.getvalue(), f"rapport-my-data-{timezone.localdate():%Y-%m-%d}.zip", "application/zip"
    )


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_file(as_csv: bool, name: str, headers: list[str], rows: list[list]) -> ExportFile:
    stem = f"rapport-{name}-{timezone.localdate():%Y-%m-%d}"
    if as_csv:
        return ExportFile(tabular.to_csv(headers, rows), f"{stem}.csv", "text/csv")
    return ExportFile(tabular.to_xlsx(headers, rows, name.capitalize()), f"{stem}.xlsx", XLSX_TYPE)


# --- A coach's caseload ----------------------------------------------------------------------

CASELOAD_HEADERS = ["Teacher", "School", "Focus", "Coaching since", "Last contact"]


def caseload_rows(coach) -> list[list]:
    relationships = policy.caseload_for(coach).select_related("coach", "teacher", "school")
    return [
        [
            relationship.other_member(coach).full_name,
            relationship.school.name,
            relationship.focus,
            relationship.started_on.isoformat(),
            timezone.localtime(relationship.last_contact_at).date().isoformat()
            if relationship.last_contact_at
            else "",
        ]
        for relationship in relationships
    ]


@builder(Export.Kind.CASELOAD_CSV, Export.Kind.CASELOAD_XLSX)
def caseload(export: Export, progress: Progress) -> ExportFile:
    rows = caseload_rows(export.owner)
    return table_file(export.kind == Export.Kind.CASELOAD_CSV, "caseload", CASELOAD_HEADERS, rows)


# --- A leader's report ----------------------------------------------------------------------------


@builder(Export.Kind.REPORT_CSV, Export.Kind.REPORT_XLSX)
def leader_report(export: Export, progress: Progress) -> ExportFile:
    """The same report as the page, hidden cells still hidden (computed again, for today's scope)."""
    from rapport.insights.forms import ReportForm
    from rapport.insights.reports import build_report, hidden_text, scope_for

    scope = scope_for(export.owner)
    form = ReportForm(export.parameters, scope=scope, today=timezone.localdate())
    if scope is None or not form.is_valid():
        raise PermissionError("the report is no longer within this person's scope")
    report = build_report(scope, form.chosen_unit(), form.cleaned_data["months"])
    headers = ["Measure", "School or district", *(m.strftime("%Y-%m") for m in report.months)]
    rows = [
        [
            table.metric.label,
            row.label,
            *(hidden_text(cell) if cell.suppressed else cell.value for cell in row.cells),
        ]
        for table in report.tables
        for row in table.rows
    ]
    return table_file(export.kind == Export.Kind.REPORT_CSV, "report", headers, rows)
