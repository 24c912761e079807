from tests.authz import NOT_FOUND, Route, everyone

ROUTES = [
    Route(
        "bench_trivial",
        get=everyone(NOT_FOUND),
        notes="the benchmark's baseline page exists only when RAPPORT_BENCH is on (never in production)",
    ),
]
