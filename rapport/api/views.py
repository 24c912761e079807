"""The page where a coach makes, sees and revokes their personal access tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from rapport.api import actions
from rapport.api.forms import TokenForm
from rapport.api.models import PersonalAccessToken
from rapport.privacy.types import AuthenticatedHttpRequest


def _require_coach(user) -> None:
    if not user.is_coach:
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_coach(request.user)
    form = TokenForm(request.POST or None)
    new_token = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            _, new_token = actions.issue_token(
                request.user, form.cleaned_data["name"], form.cleaned_data["scope"]
            )
            form = TokenForm()
        else:
            status = 400
    tokens = PersonalAccessToken.objects.filter(user=request.user)
    return render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": tokens, "new_token": new_token},
        status=status,
    )


@login_required
@require_POST
def api_token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = PersonalAccessToken.objects.active().filter(pk=pk, user=request.user).first()
    if token is None:
        raise Http404("No such token.")
    actions.revoke_token(token)
    messages.success(request, f"“{token.name}” is revoked; anything using it is now refused.")
    return redirect("api_tokens")
