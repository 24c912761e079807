"""The suite's email backend: Django's in-memory outbox, and a rule every sender must keep.

No email is sent while the sender holds a database transaction open. A mail server can take
EMAIL_TIMEOUT seconds to answer or to give up; on SQLite a transaction holds the write lock of
the whole database all that time, so every other write (a note, a touchpoint, the access log a
page appends to) would wait behind it and then fail. Record, then send, or send, then record —
never both inside one transaction.
"""

from __future__ import annotations

from django.core.mail.backends import locmem
from django.db import connections, transaction


class EmailBackend(locmem.EmailBackend):
    def send_messages(self, messages):
        for alias in connections:
            if not connections[alias].in_atomic_block:
                continue
            # A durable block refuses to open inside another transaction, but not inside the
            # ones a test case wraps around each test: it tells the code's transactions apart.
            try:
                with transaction.atomic(using=alias, durable=True):
                    pass
            except RuntimeError:
                raise AssertionError(
                    f"email sent inside a transaction on the {alias!r} database: "
                    "record it, then send it (or the other way round), never both in one transaction"
                ) from None
        return super().send_messages(messages)
