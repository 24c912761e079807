from tests.authz import NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, Route, everyone, signed_in

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
    # Single sign-on (rapport/people/signin.py) is off in the test settings: its routes are not
    # there. tests/people/test_single_sign_on.py turns it on with a real provider.
    Route("sso_start", get=everyone(NOT_ALLOWED), post=everyone(NOT_FOUND)),
    Route("sso_callback", get=everyone(NOT_FOUND)),
    Route(
        "sso_refused",
        kwargs=lambda w: {"reason": "unknown-email"},
        get=everyone(OK),
        notes="why a sign-in with the provider was refused; it names no one without the session's address",
    ),
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
