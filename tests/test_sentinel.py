"""Confidential text is encrypted at rest and reaches nobody outside its relationship.

A unique string goes into every confidential field through the real forms.
Then: it must be in the database only as ciphertext (the raw SQLite file, or a
``pg_dump``), and it must be absent from every page, export and API response
that a leader, another coach, another teacher, the coach lead or the site
administrator can reach, from every email sent to them, and from the logs.

And between the people inside: a private note reaches no other member, a note
released to one leader reaches no other leader, on any page or in any answer of
the policy (tests/world_extra.py; tests/test_safety_nets.py proves this fails
when the policy is weakened).
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from rapport.privacy.fields import encrypted_fields
from tests.authz import all_routes
from tests.sentinel import (
    all_writers,
    member_sentinel_leaks,
    member_sentinel_policy_failures,
    write_member_sentinels,
)
from tests.world import OUTSIDERS, build_world
from tests.world_extra import people

WRITERS = all_writers()


def field_label(model, field) -> str:
    return f"{model._meta.label}.{field.name}"


def test_every_confidential_field_has_a_sentinel_writer():
    covered = set().union(*(writer.covers for writer in WRITERS))
    every = {field_label(model, field) for model, field in encrypted_fields()}
    assert every, "no encrypted fields found: has EncryptedTextField been renamed?"
    missing = every - covered
    assert not missing, f"confidential fields no sentinel writer fills: {sorted(missing)}"
    stale = covered - every
    assert not stale, f"sentinel writers cover fields that are not encrypted: {sorted(stale)}"


def response_text(response) -> str:
    """Everything a response sends, streamed (recordings, exports) or not."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode(errors="replace")


def raw_database_bytes() -> bytes:
    """Everything the database holds, as an operator with no keys would see it."""
    vendor = connection.vendor
    if vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        path = Path(connection.settings_dict["NAME"])
        files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-journal")]
        return b"".join(f.read_bytes() for f in files if f.exists())
    if vendor == "postgresql":
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            pytest.fail("pg_dump is needed to prove the PostgreSQL dump holds no plaintext")
        settings = connection.settings_dict
        return subprocess.run(
            [
                pg_dump,
                "--host",
                settings["HOST"] or "127.0.0.1",
                "--port",
                str(settings["PORT"] or 5432),
                "--username",
                settings["USER"] or "postgres",
                settings["NAME"],
            ],
            check=True,
            capture_output=True,
        ).stdout
    pytest.fail(f"no raw-dump check for {vendor}")


@pytest.mark.django_db(transaction=True)
def test_sentinels_are_encrypted_and_reach_no_outsider(client, caplog):
    caplog.set_level(logging.DEBUG)
    world = build_world()

    def client_for(user):
        client.force_login(user)
        return client

    sentinels: dict[str, str] = {}
    record_urls: list[str] = []
    for writer in WRITERS:
        sentinel = f"SENTINEL-{uuid.uuid4().hex}"
        sentinels[writer.name] = sentinel
        record_urls += writer.write(world, client_for, sentinel)

    # Written, and readable through the ORM (so the check below is not vacuous).
    stored = {
        value
        for model, field in encrypted_fields()
        for value in model.objects.values_list(field.name, flat=True)
        if value
    }
    for name, sentinel in sentinels.items():
        assert any(sentinel in value for value in stored), f"{name}: the sentinel was not stored"

    raw = raw_database_bytes()
    for name, sentinel in sentinels.items():
        assert sentinel.encode() not in raw, f"{name}: plaintext in the raw database"

    urls = [
        (route.name, reverse(route.name, kwargs=route.kwargs(world)) + route.query) for route in all_routes()
    ]
    urls += [(None, url) for url in record_urls]
    by_design = {writer.name: writer.shown_by_secret_link for writer in WRITERS}
    for principal in OUTSIDERS:
        client.force_login(world.principal(principal))
        for route_name, url in urls:
            body = response_text(client.get(url))
            for name, sentinel in sentinels.items():
                if route_name not in by_design[name]:
                    assert sentinel not in body, f"{name}: shown to {principal} at {url}"
    client.logout()
    for route_name, url in urls:
        body = response_text(client.get(url))
        shown = {name for name, s in sentinels.items() if s in body and route_name not in by_design[name]}
        assert not shown, f"{shown}: shown to an anonymous visitor at {url}"

    member_ids = world.relationship.member_ids()
    member_emails = {world.coach.email, world.teacher.email}
    assert member_ids
    for message in mail.outbox:
        outsiders = set(message.to + message.cc + message.bcc) - member_emails
        if outsiders:
            text = message.body + "".join(str(alt[0]) for alt in getattr(message, "alternatives", []))
            for name, sentinel in sentinels.items():
                assert sentinel not in text, f"{name}: emailed to {outsiders}"

    for name, sentinel in sentinels.items():
        assert sentinel not in caplog.text, f"{name}: written to the logs"


@pytest.mark.django_db(transaction=True)
def test_private_and_released_sentinels_reach_only_their_readers(client):
    """The coach's private note reaches no teacher, the teacher's no coach, a note released to
    one leader no other leader: on no page, and in no answer of the policy."""
    world = build_world(extra=True)

    def client_for(user):
        client.force_login(user)
        return client

    sentinels, record_urls = write_member_sentinels(world, client_for)
    urls = [
        (route.name, reverse(route.name, kwargs=route.kwargs(world)) + route.query) for route in all_routes()
    ]
    urls += [(None, url) for url in record_urls]
    leaks = member_sentinel_leaks(world, client, sentinels, people(world), urls)
    assert not leaks, "\n".join(leaks)
    failures = member_sentinel_policy_failures(world, sentinels)
    assert not failures, "\n".join(failures)
    # Not vacuous: each member reads their own on the relationship's page.
    second = world.extra.second_relationship
    for principal, relationship, names in (
        ("coach", world.relationship, ("coach-private", "teacher-private", "released-to-leader")),
        ("teacher", world.relationship, ("coach-private", "teacher-private", "released-to-leader")),
        ("coach", second, ("second-coach-private", "second-shared")),
        ("second_teacher", second, ("second-teacher-private", "second-shared")),
    ):
        client.force_login(world.principal(principal))
        body = response_text(client.get(reverse("relationship_detail", args=[relationship.pk])))
        for name in names:
            shown = sentinels[name].text in body
            assert shown == (principal in sentinels[name].readers), f"{name} to {principal}: shown={shown}"
