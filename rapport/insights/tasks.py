"""Background work: tasks take ids, never text."""

from __future__ import annotations

from django_tasks import task

from rapport.insights import exports


@task()
def make_export(export_id: int) -> None:
    exports.run(export_id)
