from tests.authz import NOT_ALLOWED, OK, REDIRECT, Route, everyone, signed_in

ROUTES = [
    Route(
        "home",
        get=signed_in(
            REDIRECT,
            coach=OK,
            other_coach=OK,
        ),
        notes="coaches land on their home; everyone else is redirected to their own start page",
    ),
    Route("privacy_promise", get=everyone(OK)),
    Route("healthz", get=everyone(OK)),
    # Signing in, out, and passwords (django.contrib.auth).
    Route("login", get=everyone(OK)),
    Route("logout", get=everyone(NOT_ALLOWED)),
    Route("password_change", get=signed_in(OK)),
    Route("password_change_done", get=signed_in(OK)),
    Route("password_reset", get=everyone(OK)),
    Route("password_reset_done", get=everyone(OK)),
    Route(
        "password_reset_confirm",
        kwargs=lambda w: {"uidb64": "MQ", "token": "not-a-valid-token"},
        get=everyone(OK),
        notes="an invalid link renders the 'link no longer works' page",
    ),
    Route("password_reset_complete", get=everyone(OK)),
]
