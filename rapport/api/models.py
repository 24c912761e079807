"""Personal access tokens: how a coach's own scripts reach the JSON API.

A token is shown once, when it is made; only its SHA-256 digest is stored, so a
database dump yields no usable token. Tokens are long random strings, so a
plain (unsalted, fast) digest is enough: there is nothing to brute-force.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

TOKEN_PREFIX = "rpt_"  # noqa: S105 - a recognisable prefix, not a secret


def digest(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def new_plaintext() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class TokenQuerySet(models.QuerySet):
    def active(self) -> TokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class PersonalAccessToken(models.Model):
    class Scope(models.TextChoices):
        READ = "read", "Read only"
        WRITE = "write", "Read and write"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What uses this token, so you recognise it later.")
    scope = models.CharField(max_length=5, choices=Scope.choices, default=Scope.READ)
    token_hash = models.CharField(max_length=64, unique=True)
    # The first characters, so a person can tell their tokens apart; not enough to use one.
    hint = models.CharField(max_length=12)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = TokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
