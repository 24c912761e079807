"""Fuzzing every form: no input makes Rapport fail, and a refused form writes nothing.

* Every Form class in ``rapport/**/forms.py`` gets hypothesis-made data for its
  fields; ``is_valid()`` must never raise.
* Every URL of the authorization matrix that takes a POST gets fuzzed data from
  each principal allowed to post there: never a 5xx, and a 400 changes nothing
  (every table's rows compared, not only counted). The fields are the ones the
  page's own form has (read from the page) and the matrix's ``post_data``; each
  value is either made up or one the form offers (a choice, a default), so valid
  submissions, and the writes they make, are fuzzed too.

A new form whose constructor needs more than ``data`` gets a row in
``FORM_KWARGS`` (the test says so when it cannot build one).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rapport
from rapport.insights import reports
from rapport.privacy import policy
from rapport.privacy.actions import coach_leads_of
from rapport.relationships.models import Note, Noticing
from rapport.resources.library import library_for
from tests.authz import BAD_REQUEST, OK, REDIRECT, all_routes
from tests.conversations.samples import make_conversation
from tests.operations.tables import request_writes
from tests.world import PRINCIPALS, World, build_world

pytestmark = pytest.mark.django_db

# What each form needs besides its data, built from the named test people.
FORM_KWARGS: dict[str, Callable[[World], dict[str, Any]]] = {
    "rapport.relationships.forms.NoteForm": lambda w: {"relationship": w.relationship, "author": w.coach},
    "rapport.relationships.forms.AnswerForm": lambda w: {"coach": w.coach},
    "rapport.relationships.forms.QuestionForm": lambda w: {"owner": w.coach},
    "rapport.relationships.forms.AppreciationForm": lambda w: {
        "noticings": Noticing.objects.filter(relationship=w.relationship),
        "copy_to": [w.leader],
    },
    "rapport.people.forms.EmailAuthenticationForm": lambda w: {"request": None},
    "rapport.coaching.forms.DecisionForm": lambda w: {"relationship": w.relationship, "cycle": w.cycle},
    "rapport.coaching.forms.EvidenceForm": lambda w: {"cycle": w.cycle},
    "rapport.coaching.forms.CancelForm": lambda w: {"relationship": w.relationship},
    "rapport.coaching.forms.CommitmentForm": lambda w: {"relationship": w.relationship},
    "rapport.conversations.forms.SpeakerRolesForm": lambda w: {"conversation": _conversation(w)},
    "rapport.conversations.forms.CommentForm": lambda w: {"conversation": _conversation(w)},
    "rapport.privacy.forms.CoachLeadsForm": lambda w: {"leads": coach_leads_of(w.coach)},
    "rapport.privacy.forms.ShareWithConsentForm": lambda w: {"leads": coach_leads_of(w.coach)},
    "rapport.privacy.forms.StopSharingForm": lambda w: {"leads": coach_leads_of(w.coach)},
    "rapport.relationships.forms.TeacherSettingsForm": lambda w: {
        "leaders": policy.appreciation_copy_choices(w.teacher)
    },
    "rapport.resources.forms.ShareForm": lambda w: {
        "resources": library_for(w.coach),
        "commitments": [w.commitment],
    },
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
            # A BaseForm without declared fields (a mixin such as AddsToACycle) cannot stand alone.
            concrete = issubclass(cls, forms.BaseForm) and hasattr(cls, "base_fields")
            if concrete and cls.__module__ == module.__name__:
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


class FormFields(HTMLParser):
    """The fields each of a page's forms submits (by the form's action), with the values the page
    offers for each field, and each field's kind."""

    def __init__(self, page_url: str):
        super().__init__()
        self.page_url = page_url
        self.forms: dict[str, dict[str, list[str]]] = {}
        self.kinds: dict[str, str] = {}
        self._form: dict[str, list[str]] | None = None
        self._select: str | None = None
        self._select_form: dict[str, list[str]] = {}

    @property
    def offered(self) -> dict[str, list[str]]:
        """Every form's fields together."""
        merged: dict[str, list[str]] = {}
        for fields in self.forms.values():
            for name, offered in fields.items():
                merged.setdefault(name, []).extend(offered)
        return merged

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag == "form":
            action = (attributes.get("action") or self.page_url).split("?")[0]
            self._form = self.forms.setdefault(action, {})
        elif tag in {"input", "textarea", "select"} and name and name != "csrfmiddlewaretoken":
            form = self._form if self._form is not None else self.forms.setdefault(self.page_url, {})
            offered = form.setdefault(name, [])
            self.kinds.setdefault(name, attributes.get("type", "text") if tag == "input" else tag)
            if tag == "input" and attributes.get("value"):
                offered.append(attributes["value"])
            self._select = name if tag == "select" else None
            self._select_form = form
        elif tag == "option" and self._select and attributes.get("value"):
            self._select_form[self._select].append(attributes["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form":
            self._form = None


# Where the forms of routes that have no page of their own are: a cycle's decisions and
# evidence, a session's next steps, the commitments panel, and so on.
PAGES_WITH_FORMS = ("relationship_detail", "cycle_detail", "session_detail", "session_prep", "commitments")


UPLOAD = "<a file>"  # stands for a file field: hypothesis makes the file


@st.composite
def uploads(draw) -> SimpleUploadedFile:
    """A file as a browser uploads it: a name of any kind, and any bytes (or text)."""
    name = draw(st.sampled_from(["notes.txt", "meeting.vtt", "meeting.srt", "roster.csv", "roster.zip", "x"]))
    content = draw(st.one_of(st.binary(max_size=2000), st.text(max_size=2000).map(str.encode)))
    return SimpleUploadedFile(name, content)


def _plain_value(kind: str) -> str:
    """What a person would type into an empty field of this kind."""
    today = timezone.localdate()
    return {
        "date": (today + timedelta(days=7)).isoformat(),
        "time": "15:00",
        "datetime-local": f"{today + timedelta(days=7)}T15:00",
        "number": "3",
        "email": "someone@example.test",
        "checkbox": "on",
        "file": UPLOAD,
    }.get(kind, "A few words about what happened.")


def read_forms(client, url: str) -> FormFields | None:
    page = client.get(url)
    if page.status_code != OK or not page["Content-Type"].startswith("text/html"):
        return None
    parser = FormFields(url)
    parser.feed(page.content.decode())
    return parser


def offered_form(client, url: str, data: dict[str, Any], world: World | None = None) -> dict[str, list[str]]:
    """The fields the page at ``url`` shows (or, for a route without a page, its form on one of
    ``PAGES_WITH_FORMS``) and the matrix's ``data``, each with the values a person could send:
    those offered, else what they would type."""
    parser, offered = read_forms(client, url), {}
    if parser is not None:
        offered = parser.offered
    elif world is not None:
        routes = {route.name: route for route in all_routes()}
        for name in PAGES_WITH_FORMS:
            holder = read_forms(client, reverse(name, kwargs=routes[name].kwargs(world)))
            if holder is not None and url in holder.forms:
                parser, offered = holder, holder.forms[url]
                break
    fields = {name: values or [_plain_value(parser.kinds[name])] for name, values in offered.items()}
    for name, value in data.items():
        if hasattr(value, "read"):  # the matrix's upload: this is a file field
            fields[name] = [UPLOAD]
            continue
        fields.setdefault(name, []).extend(str(v) for v in (value if isinstance(value, list) else [value]))
    return fields or {name: [] for name in ("body", "visibility", "leaders")}


LEFT_OUT = object()


def submissions(fields: dict[str, list[str]]) -> st.SearchStrategy[dict]:
    """The form filled in as offered, with any fields changed to made-up values or left out.

    The smallest example is the form as a person would send it, so the writes a valid form
    makes are fuzzed as well as its refusals.
    """
    files = [name for name, offered in fields.items() if offered == [UPLOAD]]
    as_offered = {name: offered[0] for name, offered in fields.items() if offered and name not in files}
    changes = {
        name: st.one_of(st.sampled_from(offered), VALUES, st.just(LEFT_OUT)) if offered else VALUES
        for name, offered in fields.items()
        if name not in files
    }
    # A file field is sent in every example: mostly a file, now and then a made-up value or none.
    file_or_not = st.sampled_from([uploads(), uploads(), uploads(), VALUES, st.just(LEFT_OUT)]).flatmap(
        lambda strategy: strategy
    )

    def apply(changed: dict) -> dict:
        data = {**as_offered, **changed}
        return {name: value for name, value in data.items() if value is not LEFT_OUT}

    return st.fixed_dictionaries(dict.fromkeys(files, file_or_not), optional=changes).map(apply)


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
    fields = offered_form(client, url, route.post_data(world), world)

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=submissions(fields))
    def check(data):
        before = request_writes()
        response = client.post(url, data)
        assert response.status_code < 500, f"{route.name} answered {response.status_code} to {data!r}"
        if response.status_code == BAD_REQUEST:
            assert request_writes() == before, f"{route.name} refused {data!r} but changed rows"

    check()


def test_the_fuzzer_reads_the_fields_a_page_offers(client, world):
    client.force_login(world.coach)
    url = reverse("relationship_detail", kwargs={"pk": world.relationship.pk})

    fields = offered_form(client, url, {})

    assert {"body", "kind", "follow_up_on", "visibility"} <= set(fields)
    assert {"private", "shared"} <= set(fields["visibility"])
    assert fields["body"] == [_plain_value("textarea")]


def test_the_form_as_offered_is_a_valid_submission(client, world):
    """The fuzz starts from what a person would send: for the note form, a saved note."""
    client.force_login(world.coach)
    url = reverse("relationship_detail", kwargs={"pk": world.relationship.pk})
    as_offered = {name: offered[0] for name, offered in offered_form(client, url, {}).items()}
    notes = Note.objects.filter(relationship=world.relationship)
    before = notes.count()

    response = client.post(url, as_offered)

    assert response.status_code == REDIRECT
    assert notes.count() == before + 1
    assert notes.latest("pk").body == _plain_value("textarea")  # encrypted: compared once read


def test_a_route_without_a_page_is_fuzzed_with_its_form_on_another_page(client, world):
    """Adding a decision has no page of its own: its form is on the cycle's page."""
    client.force_login(world.coach)
    routes = {route.name: route for route in all_routes()}
    url = reverse("decision_add", kwargs=routes["decision_add"].kwargs(world))

    fields = offered_form(client, url, {}, world)

    assert set(fields) != {"body", "visibility", "leaders"}
    cycle_page = read_forms(client, reverse("cycle_detail", kwargs=routes["cycle_detail"].kwargs(world)))
    assert set(fields) == set(cycle_page.forms[url])
