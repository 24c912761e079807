"""The search page: a coach's or a teacher's own records, across their relationships."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rapport.search.query import QUERY_MAX_WORDS, RESULTS_SHOWN, search

QUERY_MAX_CHARS = 200


@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    query = " ".join(request.GET.get("q", "").split())
    too_long = len(query) > QUERY_MAX_CHARS
    results = [] if too_long or not query else search(request.user, query)
    return render(
        request,
        "search/search.html",
        {
            "query": query[:QUERY_MAX_CHARS],
            "results": results,
            "too_long": too_long,
            "max_chars": QUERY_MAX_CHARS,
            "max_words": QUERY_MAX_WORDS,
            "maybe_more": len(results) == RESULTS_SHOWN,
        },
        status=400 if too_long else 200,
    )
