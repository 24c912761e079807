"""Rapport settings, read from the environment.

Three modes, chosen by ``RAPPORT_ENV``:

* ``development`` (default): DEBUG on, SQLite, console email, jobs run inline.
* ``production``: DEBUG off, secure cookies and HSTS; ``SECRET_KEY``,
  ``ALLOWED_HOSTS`` and ``RAPPORT_ENCRYPTION_KEYS`` must be set.
* ``test``: set by ``rapport.settings_test`` for the test suite.

Every other setting that differs between machines comes from an environment
variable documented in ``docs/configuration.md``.
"""

import os
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_DIR = BASE_DIR / ".local"


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


RAPPORT_ENV = env_str("RAPPORT_ENV", "development")
PRODUCTION = RAPPORT_ENV == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise RuntimeError("SECRET_KEY must be set when RAPPORT_ENV=production.")
    SECRET_KEY = "dev-only-secret-key-not-for-production-use-0123456789abcdef"  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "django_htmx",
    "django_tasks",
    "django_rq",
    "django_tasks_rq",
    "rapport.web",
    "rapport.people",
    "rapport.privacy",
    "rapport.relationships",
    "rapport.coaching",
    "rapport.conversations",
    "rapport.insights",
    "rapport.resources",
    "rapport.search",
    "rapport.roster",
    "rapport.api",
    "rapport.demo",
    "rapport.operations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "rapport.operations.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, so static files stay cacheable; every other answer is never stored.
    "rapport.privacy.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "rapport.privacy.middleware.AdministrativeActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    # Innermost: the access log of a request's reads is written once its response is ready.
    "rapport.privacy.middleware.AccessLogMiddleware",
]

ROOT_URLCONF = "rapport.urls"
WSGI_APPLICATION = "rapport.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "rapport" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rapport.web.context_processors.navigation",
                "rapport.people.context_processors.sign_in",
            ],
            # The parts every page uses (icons, the one date format): no {% load %} needed.
            "builtins": ["rapport.web.templatetags.ui"],
        },
    },
]

# --- Database -----------------------------------------------------------------
# SQLite by default; PostgreSQL (or any database dj-database-url knows) through
# DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/rapport
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while one writer writes; IMMEDIATE avoids
    # "database is locked" when two requests upgrade read locks at once.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- People and authentication ---------------------------------------------------
AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rapport.people.backends.RolesWithUserBackend",
    # Signs in only a sign-in that comes back from the district's identity provider.
    "rapport.people.sso.DistrictSignInBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3

# Login throttling: five failures for one account from one address lock it for an hour.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Single sign-on with the district's identity provider over OpenID Connect (rapport/people/sso.py,
# docs/configuration.md): on when the issuer, the client id and its secret are all set.
RAPPORT_OIDC_ISSUER = env_str("RAPPORT_OIDC_ISSUER")
RAPPORT_OIDC_BUTTON_LABEL = env_str("RAPPORT_OIDC_BUTTON_LABEL", "Sign in with your district account")
RAPPORT_OIDC_EMAIL_CLAIM = env_str("RAPPORT_OIDC_EMAIL_CLAIM", "email")
RAPPORT_OIDC_EMAIL_VERIFIED_CLAIM = env_str("RAPPORT_OIDC_EMAIL_VERIFIED_CLAIM", "email_verified")
RAPPORT_OIDC_ALLOWED_DOMAINS = [domain.lower() for domain in env_list("RAPPORT_OIDC_ALLOWED_DOMAINS")]
RAPPORT_OIDC_CREATE_ACCOUNTS = env_bool("RAPPORT_OIDC_CREATE_ACCOUNTS", False)
# Off: the sign-in page shows only the provider's button, and there is no password reset.
RAPPORT_PASSWORD_SIGN_IN = env_bool("RAPPORT_PASSWORD_SIGN_IN", True)
# mozilla-django-oidc's own settings; the provider's endpoints come from its discovery document.
OIDC_RP_CLIENT_ID = env_str("RAPPORT_OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("RAPPORT_OIDC_CLIENT_SECRET")
OIDC_RP_SCOPES = env_str("RAPPORT_OIDC_SCOPES", "openid email profile")
OIDC_TIMEOUT = env_int("RAPPORT_OIDC_TIMEOUT", 10)
OIDC_USE_PKCE = True
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_callback"

# --- Email --------------------------------------------------------------------------
# Development: console by default, SMTP as soon as EMAIL_HOST is set. Production: always SMTP
# unless EMAIL_BACKEND says otherwise, never the console (it would write every email's body to
# the server log); without EMAIL_HOST, production refuses to start (operations.E001).
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
# How long a coach waits on a mail server that does not answer before being told the email was
# not sent. No email is sent inside a transaction (tests/mail.py), so only the sender waits.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST or PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH") or None  # the file backend's folder (the bench's fault run)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Rapport <rapport@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Confidential text encryption ---------------------------------------------------
# A comma-separated list of Fernet keys; the first encrypts, all decrypt (rotation).
# Without the variable, the key file that `make run` writes is read. Keys never
# live in the database.
RAPPORT_ENCRYPTION_KEYS_FILE = Path(
    env_str("RAPPORT_ENCRYPTION_KEYS_FILE", str(LOCAL_DIR / "encryption-keys"))
)


def _read_encryption_keys() -> list[str]:
    keys = env_list("RAPPORT_ENCRYPTION_KEYS")
    if keys or PRODUCTION:
        return keys
    if RAPPORT_ENCRYPTION_KEYS_FILE.exists():
        text = RAPPORT_ENCRYPTION_KEYS_FILE.read_text()
        return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return []


RAPPORT_ENCRYPTION_KEYS = _read_encryption_keys()

# --- Background jobs ------------------------------------------------------------------
# Inline by default (a laptop needs no worker); RQ on Redis when RAPPORT_TASKS=rq.
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 900}}
# django-rq's dashboard would show queued jobs' arguments to administrators;
# jobs carry record ids, but the dashboard is not a door we need.
RQ_SHOW_ADMIN_LINK = False
TASKS: dict[str, dict[str, Any]]
if env_str("RAPPORT_TASKS", "immediate") == "rq":
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

# --- Static and media files ----------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
# Third-party front-end code comes from npm (package.json), never committed.
STATICFILES_DIRS = [
    ("vendor/pico", NODE_MODULES / "@picocss" / "pico" / "css"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),
    ("vendor/lucide", NODE_MODULES / "lucide-static" / "icons"),
]


def media_storage() -> dict:
    """Where uploaded files go: ``MEDIA_ROOT`` on local disk, or the S3-compatible bucket
    named by ``RAPPORT_MEDIA_BUCKET``.

    Rapport encrypts every file before it stores it and hands files out only through its
    own views, behind the access policy; so the bucket stays private: objects get no ACL,
    any URL is signed, and nothing is overwritten. Without RAPPORT_MEDIA_ACCESS_KEY_ID and
    RAPPORT_MEDIA_SECRET_ACCESS_KEY, boto3's usual credential chain (AWS_* variables, ~/.aws,
    an instance role) is used.
    """
    bucket = env_str("RAPPORT_MEDIA_BUCKET")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options = {
        "bucket_name": bucket,
        "location": "media",
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
        # A file read whole (an export, key rotation) goes to a temporary file past 2 MB, not memory.
        "max_memory_size": 2 * 1024 * 1024,
    }
    optional = {
        "endpoint_url": "RAPPORT_MEDIA_ENDPOINT_URL",
        "region_name": "RAPPORT_MEDIA_REGION",
        "access_key": "RAPPORT_MEDIA_ACCESS_KEY_ID",
        "secret_key": "RAPPORT_MEDIA_SECRET_ACCESS_KEY",
    }
    options.update({option: env_str(name) for option, name in optional.items() if env_str(name)})
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STORAGES = {
    "default": media_storage(),
    "staticfiles": {
        "BACKEND": "rapport.web.static_files.HashedStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# --- Security -----------------------------------------------------------------------------
SESSION_ENGINE = "rapport.people.sessions"  # Django's database sessions, read by a pre-built statement
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    # SECURE_COOKIES=false only for `make serve`: production mode over plain HTTP on 127.0.0.1.
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("BEHIND_TLS_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "media-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# --- Logging --------------------------------------------------------------------------------
# Request bodies and confidential text are never logged: the formatter only ever
# sees what code passes to it, and no code passes record contents (see
# docs/threat-model.md). Django's request logger is kept to status lines.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# --- Rapport --------------------------------------------------------------------------------
# Leader reports hide any number that describes fewer than this many teachers.
RAPPORT_MIN_GROUP_SIZE = env_int("RAPPORT_MIN_GROUP_SIZE", 5)
# Serves /bench/trivial, the benchmark's baseline page (bench/README.md); off everywhere else.
RAPPORT_BENCH = env_bool("RAPPORT_BENCH", False)
RAPPORT_ROSTER_MAX_BYTES = env_int("RAPPORT_ROSTER_MAX_BYTES", 50 * 1024 * 1024)
# Bounds on what builds a page (docs/configuration.md): past one, a clear refusal and nothing
# changed, never a page too long to load or a form too long to save.
RAPPORT_MAX_TRANSCRIPT_SPEAKERS = env_int("RAPPORT_MAX_TRANSCRIPT_SPEAKERS", 50)
RAPPORT_MAX_COMMENTS_PER_CONVERSATION = env_int("RAPPORT_MAX_COMMENTS_PER_CONVERSATION", 500)
RAPPORT_MAX_EVIDENCE_PER_CYCLE = env_int("RAPPORT_MAX_EVIDENCE_PER_CYCLE", 200)
RAPPORT_MAX_DECISIONS_PER_CYCLE = env_int("RAPPORT_MAX_DECISIONS_PER_CYCLE", 100)
RAPPORT_MAX_OWN_QUESTIONS = env_int("RAPPORT_MAX_OWN_QUESTIONS", 200)
RAPPORT_CASELOAD_PAGE_SIZE = env_int("RAPPORT_CASELOAD_PAGE_SIZE", 100)
# A job (an export, a roster import) still waiting this long after it was queued: its page says that
# no background worker has picked it up, and what to do (rapport/operations/workers.py).
RAPPORT_JOB_WAIT_NOTICE_SECONDS = env_int("RAPPORT_JOB_WAIT_NOTICE_SECONDS", 30)
# Export files (encrypted, like everything confidential) are deleted this long after they are made.
RAPPORT_EXPORT_RETENTION_HOURS = env_int("RAPPORT_EXPORT_RETENTION_HOURS", 24)
