"""The one door is enforced: `make lint` refuses a read of a coaching record outside the policy."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from django.db.models import Count, Max, Q

from rapport.privacy import aggregates
from rapport.privacy.policy import record_models
from rapport.relationships.models import Note

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import check_one_door  # noqa: E402

MODELS = {model.__name__ for model in record_models()}
DOORS = check_one_door.policy_functions()


def reads(source: str) -> list[str]:
    return [f.function for f in check_one_door.reads_in(source, "rapport/x/views.py", MODELS, DOORS)]


def test_the_code_base_reads_records_only_through_the_policy():
    problems = check_one_door.check(ROOT, MODELS, check_one_door.load_exceptions())
    assert problems == []


def test_a_direct_read_planted_in_a_view_module_fails_the_check(tmp_path):
    shutil.copytree(ROOT / "rapport", tmp_path / "rapport", ignore=shutil.ignore_patterns("__pycache__"))
    views = tmp_path / "rapport" / "relationships" / "views.py"
    views.write_text(views.read_text() + "\n\ndef peek(request):\n    return Note.objects.get(pk=1)\n")

    problems = check_one_door.check(tmp_path, MODELS, check_one_door.load_exceptions())

    assert len(problems) == 1
    assert problems[0].startswith("rapport/relationships/views.py:")
    assert "Note.objects read in peek" in problems[0]


def test_an_exception_that_matches_no_code_is_reported(tmp_path):
    shutil.copytree(ROOT / "rapport", tmp_path / "rapport", ignore=shutil.ignore_patterns("__pycache__"))
    exceptions = check_one_door.load_exceptions()
    exceptions[("rapport/relationships/views.py", "gone", "Note")] = "a reason"

    problems = check_one_door.check(tmp_path, MODELS, exceptions)

    assert problems == [
        "one_door_exceptions.toml: the exception ('rapport/relationships/views.py', 'gone', 'Note') "
        "matches no code any more; remove it"
    ]


@pytest.mark.parametrize(
    "source",
    [
        "def v(user):\n    return policy.read_records(user, Note.objects.filter(x=1), P)\n",
        "def v(user):\n    qs = Note.objects.filter(x=1)\n    qs = qs.order_by('pk')\n"
        "    return policy.visible_records(user, qs)\n",
        "def v(user):\n    def read(queryset):\n        return policy.read_records(user, queryset, P)\n"
        "    return read(Note.objects.all())\n",
        "def v():\n    Note.objects.bulk_create([])\n    return Note.objects.none()\n",
        "def v():\n    Note.objects.filter(pk=1).update(body='x')\n",
        "def v():\n    return aggregates.rows(Note.objects.all(), 'relationship_id')\n",
    ],
)
def test_reads_that_reach_a_door_pass(source):
    assert reads(source) == []


@pytest.mark.parametrize(
    ("source", "function"),
    [
        ("def v(pk):\n    return Note.objects.get(pk=pk)\n", "v"),
        ("def v(user):\n    qs = Note.objects.all()\n    return [n.body for n in qs]\n", "v"),
        ("class F:\n    def clean(self):\n        return Note._default_manager.first()\n", "F.clean"),
        (
            "def v(user):\n    x = Note.objects.all()\n    policy.read_records(user, y, P)\n    return x\n",
            "v",
        ),
        ("from rapport.relationships import models\n\ndef v():\n    return models.Note.objects.all()\n", "v"),
    ],
)
def test_reads_that_never_reach_a_door_fail(source, function):
    assert reads(source) == [function]


@pytest.mark.django_db
def test_aggregates_return_numbers_and_refuse_free_text():
    with pytest.raises(aggregates.TextRefused, match=r"Note\.body is free text"):
        aggregates.rows(Note.objects.all(), "relationship_id", longest=Max("body"))
    with pytest.raises(aggregates.TextRefused):
        aggregates.values(Note.objects.all(), "pk", "body")
    with pytest.raises(aggregates.TextRefused):
        aggregates.rows(
            Note.objects.all(), "relationship_id", n=Count("pk", filter=Q(body__isnull=False) & Q(body="x"))
        )
    # Whether a field is filled in is not its text.
    assert (
        aggregates.rows(Note.objects.all(), "relationship_id", n=Count("pk", filter=Q(body__isblank=False)))
        == []
    )
