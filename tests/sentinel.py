"""The vocabulary of the sentinel test.

Each app declares, in ``tests/<app>/sentinels.py``, a ``WRITERS`` list: for
each confidential (encrypted) field, a function that writes a given unique
string into it *through the real forms*, as the person who would write it.
``tests/test_sentinel.py`` then proves the string is stored encrypted and
reaches nobody outside the relationship. An encrypted field that no writer
covers fails the test.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

from django.test import Client

from tests.world import World

# write(world, client_for, sentinel) -> URLs of the written record's own pages,
# which outsiders are then shown to be unable to open.
WriteFunction = Callable[[World, Callable[..., Client], str], list[str]]


@dataclass
class SentinelWriter:
    name: str
    covers: set[str]  # "app_label.ModelName.field"
    write: WriteFunction
    # URL names of a member's own secret link (a calendar feed) that shows this text by design:
    # whoever holds the link is, for Rapport, that member.
    shown_by_secret_link: frozenset[str] = field(default_factory=frozenset)


def all_writers() -> list[SentinelWriter]:
    import tests

    writers: list[SentinelWriter] = []
    for module_info in pkgutil.walk_packages(tests.__path__, "tests."):
        if module_info.name.endswith(".sentinels"):
            writers.extend(importlib.import_module(module_info.name).WRITERS)
    return writers


def assert_posted(response, where: str) -> None:
    """A writer's form post must have been accepted (a redirect), not re-rendered with errors."""
    assert response.status_code in (200, 302, 303), f"{where}: {response.status_code}"
    if response.status_code == 200 and response.context and response.context.get("form") is not None:
        raise AssertionError(f"{where}: the form was refused: {response.context['form'].errors.as_text()}")


# --- Between the members, and between leaders ---------------------------------------------------
# The sentinels above reach no outsider. These reach, besides, no member who may not read them:
# the coach's private note is not the teacher's, the teacher's is not the coach's, and a note
# released to one leader is not another leader's (the extra world, tests/world_extra.py).


@dataclass
class MemberSentinel:
    text: str
    readers: frozenset[str]
    # (principal, URL name) pairs that show it by design: the teacher's own data export.
    shown_by_design: frozenset[tuple[str, str]] = field(default_factory=frozenset)


EXPORT_ROUTES = ("export_detail", "export_download")


def write_member_sentinels(world: World, client_for: Callable[..., Client]) -> tuple[dict, list[str]]:
    """Private and released notes, each with a unique string, written and released through the
    real forms by the people who would; returns them by name and their own pages' URLs."""
    import uuid

    from django.urls import reverse

    from rapport.relationships.models import Note

    second = world.extra.second_relationship
    sentinels: dict[str, MemberSentinel] = {}
    urls: list[str] = []

    def note(name, relationship, author, visibility, readers, subject=None):
        text = f"SENTINEL-{name}-{uuid.uuid4().hex}"
        url = reverse("relationship_detail", args=[relationship.pk])
        response = client_for(author).post(url, {"body": text, "visibility": visibility})
        assert_posted(response, f"{name} note")
        found = next(n for n in Note.objects.filter(relationship=relationship) if n.body == text)
        by_design = frozenset((subject, route) for route in EXPORT_ROUTES) if subject else frozenset()
        sentinels[name] = MemberSentinel(text, frozenset(readers), by_design)
        urls.extend(
            [
                reverse("note_edit", args=[relationship.pk, found.pk]),
                reverse("note_release", args=[relationship.pk, found.pk]),
            ]
        )
        return found

    note("coach-private", world.relationship, world.coach, "private", {"coach"}, subject="teacher")
    note("teacher-private", world.relationship, world.teacher, "private", {"teacher"})
    released = note(
        "released-to-leader", world.relationship, world.coach, "shared", {"coach", "teacher", "leader"}
    )
    url = reverse("note_release", args=[world.relationship.pk, released.pk])
    assert_posted(client_for(world.teacher).post(url, {"leaders": [world.leader.pk]}), "release")
    note("second-coach-private", second, world.coach, "private", {"coach"}, subject="second_teacher")
    note("second-teacher-private", second, world.extra.second_teacher, "private", {"second_teacher"})
    note("second-shared", second, world.coach, "shared", {"coach", "second_teacher"})
    return sentinels, urls


def member_sentinel_leaks(
    world: World, client: Client, sentinels: dict, principals, urls: list[tuple[str | None, str]]
) -> list[str]:
    """Each page of ``urls`` that shows a sentinel to a principal who may not read it."""
    leaks = []
    for principal in principals:
        user = world.principal(principal)
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        for route_name, url in urls:
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            text = body.decode(errors="replace")
            for name, sentinel in sentinels.items():
                allowed = principal in sentinel.readers or (principal, route_name) in sentinel.shown_by_design
                if sentinel.text in text and not allowed:
                    leaks.append(f"{name}: shown to {principal} at {url}")
    return leaks


def member_sentinel_policy_failures(world: World, sentinels: dict) -> list[str]:
    """The policy's answers about the sentinels' records, against their readers."""
    from rapport.relationships.models import Note
    from tests.world_extra import policy_answer_failures

    readers = {}
    for note in Note.objects.all():
        for sentinel in sentinels.values():
            if note.body == sentinel.text:
                readers[note] = sentinel.readers
    assert len(readers) == len(sentinels), "a sentinel note was not stored"
    return policy_answer_failures(world, readers)
