"""Production refuses to start in a mode that would leak or lose what people write.

``operations.E001``: in production, email must go to a mail server. Django's console
backend writes every email, body included (appreciations, summaries, agreement links),
to the server log; the in-memory and dummy backends throw it away. The check is a
deployment check, so ``manage.py check --deploy`` fails on it, and the WSGI entry
point (``rapport.wsgi``) runs the deployment checks before it serves anything, so
gunicorn refuses to start (``start_up_checks`` below).

``operations.W001``: the file backend (``make serve``, the benchmark) writes emails to
``EMAIL_FILE_PATH`` instead of sending them: allowed, but said.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.core.management.base import SystemCheckError

SMTP = "django.core.mail.backends.smtp.EmailBackend"
FILES = "django.core.mail.backends.filebased.EmailBackend"
# Backends that never deliver an email, and what they do with it instead.
NOT_DELIVERING = {
    "django.core.mail.backends.console.EmailBackend": "writes every email, body included, to the server log",
    "django.core.mail.backends.locmem.EmailBackend": "keeps every email in memory and never sends it",
    "django.core.mail.backends.dummy.EmailBackend": "throws every email away",
}
MAIL_HINT = (
    "Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD) to the district's "
    "mail server; see docs/deploy.md."
)


def _production() -> bool:
    return getattr(settings, "RAPPORT_ENV", "") == "production"


@checks.register(checks.Tags.security, deploy=True)
def check_mail(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if not _production():
        return []
    backend = settings.EMAIL_BACKEND
    if backend in NOT_DELIVERING:
        return [
            checks.Error(
                f"Production email is set to {backend}, which {NOT_DELIVERING[backend]}.",
                hint=MAIL_HINT,
                id="operations.E001",
                obj="settings",
            )
        ]
    if backend == SMTP and not settings.EMAIL_HOST:
        return [
            checks.Error(
                "Production needs a mail server: EMAIL_HOST is not set, so no email could be sent.",
                hint=MAIL_HINT,
                id="operations.E001",
                obj="settings",
            )
        ]
    if backend == FILES:
        return [
            checks.Warning(
                f"Emails are written to files in {settings.EMAIL_FILE_PATH}, not sent "
                "(fine for `make serve` and the benchmark, not for a district).",
                hint=MAIL_HINT,
                id="operations.W001",
                obj="settings",
            )
        ]
    return []


def start_up_checks() -> None:
    """In production, refuse to serve if a deployment check finds an error (gunicorn then stops)."""
    if not _production():
        return
    serious = [
        message
        for message in checks.run_checks(include_deployment_checks=True)
        if message.is_serious() and not message.is_silenced()
    ]
    if serious:
        lines = "\n".join(str(message) for message in serious)
        raise SystemCheckError(f"Rapport refuses to start in production:\n{lines}")
