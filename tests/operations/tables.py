"""Every model table: a row in each, and a fingerprint of each (row count and a hash of the rows).

The backup round trip compares every table before and after. A table with no row compares as
0 == 0 and proves nothing, so the demo district gets a row in each table it leaves empty, made
the way the app makes it (its actions) where there is one.
"""

from __future__ import annotations

import datetime
import hashlib

from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.utils import timezone

from rapport.api.actions import issue_token
from rapport.api.models import PersonalAccessToken
from rapport.coaching.actions import new_calendar_feed, send_follow_up_summary
from rapport.coaching.models import Session
from rapport.conversations.actions import add_comment
from rapport.conversations.models import Conversation
from rapport.demo.district import DemoDistrict
from rapport.insights.actions import save_reflection, start_export
from rapport.insights.models import Export
from rapport.operations.backup import model_tables
from rapport.operations.jobs import run_once
from rapport.people.models import School
from rapport.privacy import accesslog
from rapport.privacy.actions import release
from rapport.privacy.models import Purpose
from rapport.relationships.actions import add_question, write_note
from rapport.relationships.models import CoachSettings, Question, TeacherSettings, Visibility
from rapport.roster.tasks import start_roster_import


def table_fingerprints() -> dict[str, tuple[int, str]]:
    fingerprints = {}
    with connection.cursor() as cursor:
        for table in model_tables():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")  # noqa: S608
            rows = cursor.fetchall()
            digest = hashlib.sha256(repr(rows).encode()).hexdigest()
            fingerprints[table] = (len(rows), digest)
    return fingerprints


# Written by reads (the access log), sign-in attempts (axes) and sessions, whatever a request asks for.
BOOKKEEPING = {"privacy_accesslogentry", "privacy_accessloghead", "django_session"}


def request_writes(also_ignoring: frozenset[str] = frozenset()) -> dict[str, tuple[int, str]]:
    """Every table a form or an API call writes, fingerprinted: compare before and after a refusal."""
    return {
        table: fingerprint
        for table, fingerprint in table_fingerprints().items()
        if table not in BOOKKEEPING | also_ignoring and not table.startswith("axes_")
    }


def fill_the_tables_the_demo_leaves_empty(demo: DemoDistrict) -> None:
    """At least one row in every table the demo district leaves empty.

    A new model whose table the demo leaves empty gets its row here, through its app's action.
    """
    coach, teacher = demo.accounts["coach@example.org"], demo.accounts["teacher@example.org"]
    leader, admin = demo.accounts["leader@example.org"], demo.accounts["admin@example.org"]
    relationship = demo.relationships[0]  # coach@ coaches teacher@

    # privacy: the teacher releases a shared note to the leader; the coach reads it (access log).
    note = write_note(relationship, teacher, "What I tried this week.", Visibility.SHARED)
    release(note, [leader], by=teacher)
    accesslog.append(coach, [note], Purpose.RELATIONSHIP_PAGE)

    issue_token(coach, "Spreadsheet sync", PersonalAccessToken.Scope.READ)
    # The starter questions come from a migration, which a test with transaction=True flushes away.
    add_question(
        coach, "What would you like your students to remember from this year?", Question.Theme.VISION
    )
    new_calendar_feed(coach)
    session = Session.objects.filter(relationship=relationship).earliest("starts_at")
    send_follow_up_summary(session, coach, "Thank you for today.")
    conversation = Conversation.objects.select_related("relationship").first()
    add_comment(
        conversation, conversation.relationship.coach, 42.0, "Listen to how this question lands.", None
    )
    save_reflection(relationship, coach, ["kept-word", "listened-more"], "I kept to our meeting times.")
    start_export(coach, Export.Kind.CASELOAD_CSV)  # made at once (tests' immediate tasks): a media file
    run_once("backup-round-trip", lambda: None)
    home_school = demo.schools[0].name
    start_roster_import(
        admin,
        SimpleUploadedFile(
            "staff.csv", f"name,email,school,role\nNia Holt,nia@x.test,{home_school},teacher\n".encode()
        ),
    )
    # privacy: an administrator deactivates a teacher (the administration log).
    leaving = demo.teachers[-1]
    leaving.is_active = False
    leaving.save(update_fields=["is_active"])
    # No action writes these: the settings pages save their forms straight into them.
    CoachSettings.objects.create(coach=coach, weekly_appreciation_target=5)
    TeacherSettings.objects.create(teacher=teacher).appreciation_copies_to.set([leader])

    # Django's and django-axes' own tables.
    Client().force_login(teacher)  # a session row, and axes' log of the sign-in
    permission = Permission.objects.get(codename="view_user")
    support = Group.objects.create(name="Support desk")
    support.permissions.add(permission)
    admin.groups.add(support)
    admin.user_permissions.add(permission)
    LogEntry.objects.log_actions(
        admin.pk, School.objects.filter(pk=demo.schools[0].pk), CHANGE, "Renamed", single_object=True
    )
    # Axes writes these on a failed sign-in (the failure log and the expiry when its settings
    # turn them on); made directly, so a failed sign-in's throttling survives a restore.
    attempt = {
        "username": "someone@example.org",
        "ip_address": "203.0.113.9",
        "user_agent": "Firefox",
        "http_accept": "text/html",
        "path_info": "/accounts/login/",
    }
    lockout = AccessAttempt.objects.create(**attempt, get_data="", post_data="", failures_since_start=1)
    AccessAttemptExpiration.objects.create(
        access_attempt=lockout, expires_at=timezone.now() + datetime.timedelta(hours=1)
    )
    AccessFailureLog.objects.create(**attempt, locked_out=False)
