"""Settings for the test suite: the development settings with fixed test keys.

The database still comes from DATABASE_URL, so the same suite runs on SQLite
(default) and on PostgreSQL.
"""

import os
from pathlib import Path

from rapport.settings import *  # noqa: F403
from rapport.settings import BASE_DIR, DATABASES, PASSWORD_HASHERS, STORAGES

RAPPORT_ENV = "test"
DEBUG = False
# Two fixed keys so that rotation is exercised; never used outside tests.
RAPPORT_ENCRYPTION_KEYS = [
    "oWnP0lmCk9pvrh6h4Yy2bqB9xgW0GMxQ1Hcq4m2G5ZI=",
    "9dLq1T3mHkq2p6yCq7sC1qHj3C0V6xg2aZ9mQ4lB8Uo=",
]
# Django's in-memory outbox, refusing any email sent inside a transaction (tests/mail.py).
EMAIL_BACKEND = "tests.mail.EmailBackend"
# Inline, except in a worker process started by the `rq_worker` fixture
# (RAPPORT_TASKS=rq), which must enqueue follow-up tasks to Redis as well.
if os.environ.get("RAPPORT_TASKS") != "rq":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# WhiteNoise looks a static file up when one is asked for, rather than listing STATIC_ROOT when
# its middleware starts: the test client starts the middleware for every test, and once
# `collectstatic` has run (tests/operations/test_serve.py runs it) that listing of some ten thousand
# files cost every test most of a second.
WHITENOISE_AUTOREFRESH = True
# Argon2 still, at the lowest cost (tests/hashers.py); worker processes the tests start get it too.
PASSWORD_HASHERS = ["tests.hashers.QuickArgon2PasswordHasher", *PASSWORD_HASHERS[1:]]
# Throttling stays on (it is tested), but a test's own failed logins must not
# lock out the next test.
AXES_ENABLED = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so the sentinel test can read the raw bytes and the
    # browser tests' live server shares the database with the test.
    (BASE_DIR / ".local").mkdir(exist_ok=True)
    DATABASES["default"]["TEST"] = {
        "NAME": str(BASE_DIR / ".local" / f"test-{os.getpid()}.sqlite3"),
    }
else:
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("RAPPORT_TEST_DB_NAME", "test_rapport")}

# Files the tests make (recordings, exports) stay out of the development media folder.
# A worker process started by a test is told the test's folder.
MEDIA_ROOT = Path(
    os.environ.get("RAPPORT_TEST_MEDIA_ROOT") or BASE_DIR / ".local" / f"test-media-{os.getpid()}"
)
# Never a real bucket, whatever the shell's environment says: the S3 tests start their own.
STORAGES = {**STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}

# Single sign-on is off and password sign-in on, whatever the shell's environment says: the tests
# that sign in with a provider start their own (tests/oidc_provider.py).
RAPPORT_OIDC_ISSUER = ""
OIDC_RP_CLIENT_ID = ""
OIDC_RP_CLIENT_SECRET = ""
OIDC_RP_SCOPES = "openid email profile"
RAPPORT_OIDC_BUTTON_LABEL = "Sign in with your district account"
RAPPORT_OIDC_EMAIL_CLAIM = "email"
RAPPORT_OIDC_EMAIL_VERIFIED_CLAIM = "email_verified"
RAPPORT_OIDC_ALLOWED_DOMAINS = []
RAPPORT_OIDC_CREATE_ACCOUNTS = False
RAPPORT_PASSWORD_SIGN_IN = True
