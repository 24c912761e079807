"""Fuzzing every form: no input makes Rapport fail, and a refused form writes nothing.

* Every Form class in ``rapport/**/forms.py`` gets hypothesis-made data for its
  fields; ``is_valid()`` must never raise.
* Every URL of the authorization matrix that takes a POST gets fuzzed data from
  each principal allowed to post there: never a 5xx, and a 400 changes no row.

A new form whose constructor needs more than ``data`` gets a row in
``FORM_KWARGS`` (the test says so when it cannot build one).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from typing import Any

import pytest
from django import forms
from django.db import connection
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rapport
from rapport.insights import reports
from rapport.operations.backup import model_tables
from rapport.relationships.models import Noticing
from tests.authz import BAD_REQUEST, OK, REDIRECT, all_routes
from tests.conversations.samples import make_conversation
from tests.world import PRINCIPALS, World, build_world

pytestmark = pytest.mark.django_db

# What each form needs besides its data, built from the named test people.
FORM_KWARGS: dict[str, Callable[[World], dict[str, Any]]] = {
    "rapport.relationships.forms.NoteForm": lambda w: {"relationship": w.relationship, "author": w.coach},
    "rapport.relationships.forms.AnswerForm": lambda w: {"coach": w.coach},
    "rapport.relationships.forms.AppreciationForm": lambda w: {
        "noticings": Noticing.objects.filter(relationship=w.relationship),
        "leader_copy_allowed": True,
    },
    "rapport.people.forms.EmailAuthenticationForm": lambda w: {"request": None},
    "rapport.coaching.forms.DecisionForm": lambda w: {"relationship": w.relationship},
    "rapport.coaching.forms.CancelForm": lambda w: {"relationship": w.relationship},
    "rapport.coaching.forms.CommitmentForm": lambda w: {"relationship": w.relationship},
    "rapport.conversations.forms.SpeakerRolesForm": lambda w: {"conversation": _conversation(w)},
    "rapport.conversations.forms.CommentForm": lambda w: {"conversation": _conversation(w)},
    "rapport.insights.forms.PracticeSharingForm": lambda w: {"leads": [w.coach_lead]},
    "rapport.insights.forms.ReportForm": lambda w: {
        "scope": reports.scope_for(w.leader),
        "today": timezone.localdate(),
    },
}


def _conversation(world: World):
    return make_conversation(world)


def as_submitted(data: dict) -> QueryDict:
    """What a browser can send: each field one or more strings, as Django parses it."""
    submitted = QueryDict(mutable=True)
    for name, value in data.items():
        submitted.setlist(name, value if isinstance(value, list) else [value])
    return submitted


# Written by reads, sign-in attempts and sessions, never by a form's own write.
NOT_FORM_WRITES = {"privacy_accesslogentry", "privacy_accessloghead", "django_session"}

VALUES = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    st.integers().map(str),
    st.integers(min_value=2**63 - 10, max_value=2**70).map(str),
    st.sampled_from(["", " ", "0", "-1", "private", "shared", "released", "on", "2026-02-30", "x" * 25_000]),
    st.lists(st.text(max_size=20), max_size=3),
)


def project_forms() -> list[type[forms.BaseForm]]:
    found = []
    for module_info in pkgutil.walk_packages(rapport.__path__, "rapport."):
        if not module_info.name.endswith(".forms"):
            continue
        module = importlib.import_module(module_info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                found.append(cls)
    return found


def dotted(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


FORMS = project_forms()


def test_the_fuzzer_finds_the_project_forms():
    assert "rapport.relationships.forms.NoteForm" in {dotted(cls) for cls in FORMS}


def build_form(cls: type[forms.BaseForm], world: World, data: dict) -> forms.BaseForm:
    extra = FORM_KWARGS.get(dotted(cls), lambda w: {})(world)
    try:
        return cls(data=as_submitted(data), **extra)
    except TypeError as error:
        pytest.fail(f"{dotted(cls)} needs constructor arguments: add a row to FORM_KWARGS ({error})")


@pytest.mark.parametrize("form_class", FORMS, ids=dotted)
def test_no_input_makes_a_form_raise(form_class, world):
    field_names = list(build_form(form_class, world, {}).fields)

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=st.fixed_dictionaries({}, optional=dict.fromkeys(field_names, VALUES)))
    def check(data):
        form = build_form(form_class, world, data)
        form.is_valid()  # must return, whatever the data
        assert isinstance(form.errors, dict)

    check()


def row_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in model_tables():
            if table in NOT_FORM_WRITES or table.startswith("axes_"):
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def _post_cases():
    for route in all_routes():
        if route.post is None:
            continue
        for principal in PRINCIPALS:
            if route.expectation("post", principal) in {OK, REDIRECT, BAD_REQUEST}:
                yield pytest.param(route, principal, id=f"POST {route.name} as {principal}")


@pytest.mark.parametrize(("route", "principal"), list(_post_cases()))
def test_fuzzed_posts_never_fail_and_a_refusal_writes_nothing(client, route, principal):
    world = build_world()
    user = world.principal(principal)
    if user is not None:  # the emailed acknowledgement link is posted signed out
        client.force_login(user)
    client.raise_request_exception = False
    url = reverse(route.name, kwargs=route.kwargs(world))
    field_names = list(route.post_data(world)) or ["body", "visibility", "leaders"]

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=st.fixed_dictionaries({}, optional=dict.fromkeys(field_names, VALUES)))
    def check(data):
        before = row_counts()
        response = client.post(url, data)
        assert response.status_code < 500, f"{route.name} answered {response.status_code} to {data!r}"
        if response.status_code == BAD_REQUEST:
            assert row_counts() == before, f"{route.name} refused {data!r} but changed rows"

    check()
