"""The one way Rapport sends email.

Messages are rendered from ``templates/email/<name>.txt`` (and ``.html`` when
it exists) and sent through Django's configured backend: the console by
default, SMTP when EMAIL_HOST is set. Background tasks that send email take
record ids and render here, in the worker, so that no confidential text ever
sits in a job queue.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string

# What sending raises when the mail server cannot be reached or refuses (SMTPException is an
# OSError): callers that send within a request catch it and say so instead of failing.
NOT_SENT = OSError


def send(
    *,
    to: Sequence[str],
    subject: str,
    template: str,
    context: dict,
    cc: Sequence[str] = (),
    reply_to: Sequence[str] = (),
) -> EmailMultiAlternatives:
    text = render_to_string(f"email/{template}.txt", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        cc=list(cc),
        reply_to=list(reply_to),
    )
    with contextlib.suppress(TemplateDoesNotExist):
        message.attach_alternative(render_to_string(f"email/{template}.html", context), "text/html")
    message.send()
    return message
