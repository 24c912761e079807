"""The benchmark's baseline page (see bench/README.md)."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse


def bench_trivial(request: HttpRequest) -> HttpResponse:
    """The cheapest page Django can serve through Rapport's middleware: no database, no template.

    The benchmark reports every page's throughput as a ratio to this one, served by
    the same processes in the same run, so the figures survive a noisy machine.
    It exists only when ``RAPPORT_BENCH`` is on; otherwise it is a 404.
    """
    if not settings.RAPPORT_BENCH:
        raise Http404
    return HttpResponse("ok", content_type="text/plain")
