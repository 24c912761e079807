"""Back to where a form was sent from, when that is a page of this site."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme


def redirect_back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    """To the form's ``next`` if it is a path on this site, else to the URL ``default``.

    ``next`` is taken as an address, never as a view name (Django's ``redirect("home")`` would
    look one up, and fail on a made-up one), and an address on another site is ignored.
    """
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(default)
