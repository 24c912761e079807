from tests.authz import OK, Route, signed_in

ROUTES = [
    Route(
        "search",
        get=signed_in(OK),
        notes="everyone searches only what the policy lets them read; tests/search checks what each finds",
    ),
]
