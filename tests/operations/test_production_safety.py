"""Production mode is safe by default (issue 16, point 9).

* without a mail server, production refuses to start: ``operations.E001`` fails ``check --deploy``
  and the WSGI entry point (so gunicorn), and the console backend is never the default there;
* ``seed_demo`` refuses a production database unless told it is a demonstration;
* a job nobody picks up says so on its page, and ``/healthz`` reports a missing worker.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import time
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from rapport.insights import actions as insight_actions
from rapport.insights.models import Export
from rapport.operations import checks
from rapport.people.models import ImportRun, User
from rapport.roster import tasks as roster_tasks

PRODUCTION = {
    "RAPPORT_ENV": "production",
    "SECRET_KEY": "k" * 20 + "a-long-random-production-secret-for-the-check-0123456789",
    "ALLOWED_HOSTS": "rapport.example.org",
    "RAPPORT_ENCRYPTION_KEYS": "oWnP0lmCk9pvrh6h4Yy2bqB9xgW0GMxQ1Hcq4m2G5ZI=",
}
SMTP = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"


def run_python(*args: str, env_overrides: dict) -> subprocess.CompletedProcess:
    inherited = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "EMAIL_HOST", "EMAIL_BACKEND"}
    env = {key: value for key, value in os.environ.items() if key not in inherited}
    env.update(env_overrides)
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, check=False)


# --- Mail -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("backend", "host"),
    [(SMTP, ""), (CONSOLE, "smtp.example.org"), ("django.core.mail.backends.locmem.EmailBackend", "")],
)
def test_production_without_a_mail_server_fails_the_check(backend, host):
    with override_settings(RAPPORT_ENV="production", EMAIL_BACKEND=backend, EMAIL_HOST=host):
        assert [message.id for message in checks.check_mail()] == ["operations.E001"]


def test_production_with_a_mail_server_passes_and_development_is_not_checked():
    with override_settings(RAPPORT_ENV="production", EMAIL_BACKEND=SMTP, EMAIL_HOST="smtp.example.org"):
        assert checks.check_mail() == []
    with override_settings(RAPPORT_ENV="development", EMAIL_BACKEND=CONSOLE, EMAIL_HOST=""):
        assert checks.check_mail() == []


def test_check_deploy_fails_in_production_without_email_host():
    result = run_python("manage.py", "check", "--deploy", env_overrides=PRODUCTION)
    assert result.returncode != 0
    assert "operations.E001" in result.stderr
    assert "EMAIL_HOST is not set" in result.stderr


def test_production_never_falls_back_to_the_console_backend():
    result = run_python(
        "manage.py",
        "shell",
        "-c",
        "from django.conf import settings; print(settings.EMAIL_BACKEND)",
        env_overrides=PRODUCTION,
    )
    assert result.stdout.strip().splitlines()[-1] == SMTP


def test_the_wsgi_application_refuses_to_start_without_a_mail_server():
    refused = run_python("-c", "import rapport.wsgi", env_overrides=PRODUCTION)
    assert refused.returncode != 0
    assert "Rapport refuses to start in production" in refused.stderr
    assert "operations.E001" in refused.stderr

    started = run_python(
        "-c", "import rapport.wsgi", env_overrides={**PRODUCTION, "EMAIL_HOST": "smtp.example.org"}
    )
    assert started.returncode == 0, started.stderr


def test_the_background_worker_refuses_to_start_without_a_mail_server():
    # Workers send the emails: one started with the console backend would write every body to its log.
    refused = run_python("manage.py", "run_worker", "--burst", env_overrides=PRODUCTION)
    assert refused.returncode != 0
    assert "Rapport refuses to start in production" in refused.stderr
    assert "operations.E001" in refused.stderr


# --- The demo district --------------------------------------------------------------------------


@pytest.mark.django_db
def test_seed_demo_refuses_a_production_database():
    with override_settings(RAPPORT_ENV="production"), pytest.raises(CommandError, match="--this-is-a-demo"):
        call_command("seed_demo", "--if-empty", stdout=StringIO())
    assert not User.objects.exists(), "nothing was created"


@pytest.mark.django_db
def test_seed_demo_builds_in_production_when_told_it_is_a_demo():
    out = StringIO()
    with override_settings(RAPPORT_ENV="production"):
        call_command(
            "seed_demo", "--this-is-a-demo", "--schools", "1", "--coaches", "1", "--teachers", "3", stdout=out
        )
    assert "Demo logins" in out.getvalue()
    assert User.objects.exists()


def test_make_serve_and_the_bench_say_it_is_a_demo():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    makefile = (root / "Makefile").read_text()
    serve = makefile[makefile.index("\nserve:") : makefile.index("\n## make test")]
    assert "seed_demo --if-empty --this-is-a-demo" in serve
    assert '"seed_demo", "--this-is-a-demo"' in (root / "bench" / "server.py").read_text()


# --- A job no worker picks up ---------------------------------------------------------------------

WAIT = datetime.timedelta(seconds=31)
NO_WORKER = "no background worker has picked it up"


def test_an_export_nobody_picks_up_says_so_and_what_to_do(world, client_as, rq_worker):
    teacher = world.teacher
    export = insight_actions.start_export(teacher, Export.Kind.MY_DATA)
    export.refresh_from_db()
    assert export.status == Export.Status.QUEUED
    assert export.queued_at is not None

    client = client_as(teacher)
    page = client.get(reverse("export_detail", args=[export.pk])).content.decode()
    assert NO_WORKER not in page, "a moment's wait is normal"

    with freeze_time(export.queued_at + WAIT):
        page = client.get(reverse("export_detail", args=[export.pk])).content.decode()
        listing = client.get(reverse("export_list")).content.decode()
    assert NO_WORKER in page
    assert "tell your site administrator" in page
    assert NO_WORKER in listing

    rq_worker.work()
    page = client.get(reverse("export_detail", args=[export.pk])).content.decode()
    assert "Your file is ready." in page
    assert NO_WORKER not in page


def test_a_roster_import_nobody_picks_up_tells_the_administrator_to_start_a_worker(
    world, client_as, rq_worker
):
    upload = SimpleUploadedFile(
        "staff.csv", b"name,email,school,role\nNia Holt,nia@x.example.org,Home School,teacher\n"
    )
    run = roster_tasks.start_roster_import(world.site_admin, upload)
    run.refresh_from_db()
    assert (run.status, run.queued_at is not None) == (ImportRun.Status.QUEUED, True)
    with freeze_time(run.queued_at + WAIT):
        page = client_as(world.site_admin).get(reverse("roster_import_run", args=[run.pk])).content.decode()
    assert "No background worker has started this" in page
    assert "manage.py run_worker" in page


# --- /healthz -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_answers_json_when_jobs_run_inline(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == "ok"


def test_healthz_reports_a_missing_worker_and_the_web_check_does_not(client, rq_worker):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["worker"], body["workers"]) == ("failing", "missing", 0)
    assert "No background worker is running" in body["problems"][0]
    assert response["Retry-After"]

    web = client.get("/healthz?web")
    assert web.status_code == 200
    assert web.json() == {"status": "ok", "web": "ok", "database": "ok"}

    # A worker that keeps running (the fixture's own works in burst mode and leaves when idle).
    command = [part for part in rq_worker.command if part != "--burst"]
    worker = subprocess.Popen(
        command,
        env=rq_worker.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while (response := client.get("/healthz")).status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert response.status_code == 200, json.dumps(response.json())
        assert (response.json()["worker"], response.json()["workers"]) == ("ok", 1)
    finally:
        os.killpg(worker.pid, 15)
        worker.wait(timeout=30)


def test_healthz_counts_jobs_waiting_too_long(client, rq_worker, world):
    export = insight_actions.start_export(world.teacher, Export.Kind.MY_DATA)
    export.refresh_from_db()
    with freeze_time(export.queued_at + WAIT):
        assert client.get("/healthz").json()["jobs_waiting_too_long"] == 1
    assert client.get("/healthz").json()["jobs_waiting_too_long"] == 0
    assert timezone.now() < export.queued_at + WAIT
