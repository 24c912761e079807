"""Making, using and revoking personal access tokens."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from rapport.api.models import PersonalAccessToken, digest, new_plaintext

# Writing last_used_at on every request would turn every read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def issue_token(user, name: str, scope: str) -> tuple[PersonalAccessToken, str]:
    """A new token and its plaintext, which is never stored and shown only this once."""
    plaintext = new_plaintext()
    token = PersonalAccessToken.objects.create(
        user=user, name=name, scope=scope, token_hash=digest(plaintext), hint=plaintext[:10]
    )
    return token, plaintext


def authenticate(plaintext: str) -> PersonalAccessToken | None:
    """The active token with this plaintext, if its owner may still sign in."""
    token = (
        PersonalAccessToken.objects.active()
        .select_related("user")
        .filter(token_hash=digest(plaintext), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def revoke_token(token: PersonalAccessToken) -> None:
    PersonalAccessToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
