"""The production settings mode passes Django's deployment checks."""

import os
import subprocess
import sys

from django.conf import settings

from rapport import settings as project_settings


def run_manage(*args, env_overrides):
    inherited = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {key: value for key, value in os.environ.items() if key not in inherited}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], env=env, capture_output=True, text=True, check=False
    )


PRODUCTION = {
    "RAPPORT_ENV": "production",
    "SECRET_KEY": "k" * 20 + "a-long-random-production-secret-for-the-check-0123456789",
    "ALLOWED_HOSTS": "rapport.example.org",
    "RAPPORT_ENCRYPTION_KEYS": "oWnP0lmCk9pvrh6h4Yy2bqB9xgW0GMxQ1Hcq4m2G5ZI=",
    "EMAIL_HOST": "smtp.example.org",  # without a mail server, production refuses (operations.E001)
}


def test_check_deploy_reports_nothing_in_production_mode():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION, "SECRET_KEY": ""}
    result = run_manage("check", env_overrides=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_has_no_development_key_file_fallback():
    env = {**PRODUCTION, "RAPPORT_ENCRYPTION_KEYS": ""}
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.RAPPORT_ENCRYPTION_KEYS)",
        env_overrides=env,
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_passwords_use_argon2_first():
    # The project's settings, which production runs; the suite's own (rapport/settings_test.py)
    # keep Argon2 at a lower cost.
    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert settings.PASSWORD_HASHERS[1:] == project_settings.PASSWORD_HASHERS[1:]
