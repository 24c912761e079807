"""A real OpenID provider on 127.0.0.1 for the single sign-on tests.

tests/oidc_provider.mjs runs the certified ``oidc-provider`` package from npm (package.json) with
Node, configured here: one client (Rapport), a signing key made for this run, and the district's
accounts below. One provider serves a whole test worker; it starts in well under a second on a
port the system picks.

Without Node the single sign-on tests are skipped, saying why; in CI (CI=true) they fail instead.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
CLIENT_ID = "rapport-district"
CLIENT_SECRET = "a-test-client-secret-7d41"
PASSWORD = "district-password-3318"
DOMAIN = "district.test"
START_TIMEOUT = 60  # seconds: it starts in well under one, but a busy machine with a cold disk cache is slow

# The people at the district's provider. Rapport's roster has Tess (and Dora, deactivated); the
# accounts that misbehave all name Tess, so that only the check each one tests stands in the way.
TESS = f"tess.teacher@{DOMAIN}"
DORA = f"dora.departed@{DOMAIN}"
NEWCOMER = f"nico.newcomer@{DOMAIN}"


def _verified(email: str, name: str) -> dict:
    return {"email": email, "email_verified": True, "name": name}


ACCOUNTS: dict[str, dict] = {
    "tess": {"claims": _verified(TESS, "Tess Teacher")},
    "tess-personal": {"claims": _verified("tess.teacher@mail.example", "Tess Teacher")},
    "dora": {"claims": _verified(DORA, "Dora Departed")},
    "nico": {"claims": {**_verified(NEWCOMER, "Nico Newcomer"), "given_name": "Nico"}},
    "unverified": {"claims": {**_verified(TESS, "Tess Teacher"), "email_verified": False}},
    "no-email": {"claims": {"name": "Tess Teacher"}},
    "wrong-audience": {
        "claims": _verified(TESS, "Tess Teacher"),
        "id_token": {"claims": {"aud": "another-app"}},
    },
    "expired": {"claims": _verified(TESS, "Tess Teacher"), "id_token": {"expires_in": -3600}},
    # Signed in as someone else, then the token's address changed to Tess's: the signature no longer fits.
    "forger": {
        "claims": _verified(f"forger@{DOMAIN}", "Someone Else"),
        "id_token": {"claims": {"email": TESS}, "keep_signature": True},
    },
    # As providers that answer the address only at their userinfo endpoint.
    "tess-userinfo": {
        "claims": _verified(TESS, "Tess Teacher"),
        "id_token": {"drop": ["email", "email_verified", "name"]},
    },
}


@dataclass
class OpenIDProvider:
    issuer: str
    process: subprocess.Popen

    def sign_in(self, authorization_url: str, username: str, *, action: str = "sign-in") -> str:
        """What a browser does at the provider: the sign-in form, then back to Rapport.

        Returns the URL the provider sends the browser back to (Rapport's callback).
        """
        with requests.Session() as browser:
            page = self._follow(browser, authorization_url)
            assert page.status_code == 200, page.text
            form = {"username": username, "password": PASSWORD, "action": action}
            answer = browser.post(page.url, data=form, allow_redirects=False, timeout=10)
            assert answer.is_redirect, f"the provider did not sign {username} in: {answer.text}"
            return self._follow(browser, urljoin(page.url, answer.headers["Location"])).url

    def _follow(self, browser: requests.Session, url: str) -> requests.Response:
        """Follow redirects while they stay at the provider; the first one that leaves it is returned."""
        while url.startswith(self.issuer):
            response = browser.get(url, allow_redirects=False, timeout=10)
            if not response.is_redirect:
                return response
            url = urljoin(url, response.headers["Location"])
        left = requests.Response()
        left.url = url
        return left


def _configuration(redirect_uris: list[str]) -> dict:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signing_key = {**json.loads(RSAAlgorithm.to_jwk(key)), "kid": "test-key-1", "alg": "RS256", "use": "sig"}
    client = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": redirect_uris,
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
    }
    accounts = {name: {"password": PASSWORD, **account} for name, account in ACCOUNTS.items()}
    return {"clients": [client], "signing_key": signing_key, "accounts": accounts}


SKIP_REASON_PREFIX = "single sign-on tests not run: "


def node_or_skip() -> str:
    """Node, or the test is skipped (tests/conftest.py prints why at the end of the run); CI fails."""
    node = shutil.which("node")
    missing = ""
    if node is None:
        missing = "Node is not installed (they run a real OpenID provider with it)"
    elif not (ROOT / "node_modules" / "oidc-provider").is_dir():
        missing = "node_modules/oidc-provider is missing (make test runs npm ci)"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(SKIP_REASON_PREFIX + missing)
        pytest.skip(SKIP_REASON_PREFIX + missing)
    return node


@contextmanager
def running_provider(redirect_uris: list[str], folder: Path) -> Iterator[OpenIDProvider]:
    node = node_or_skip()
    config = folder / "oidc-provider.json"
    config.write_text(json.dumps(_configuration(redirect_uris)))
    # Its warnings go to a file: a pipe nobody reads would stall it once full.
    with (folder / "oidc-provider.log").open("w+") as log:
        process = subprocess.Popen(
            [node, str(SCRIPT), str(config)], cwd=ROOT, stdout=subprocess.PIPE, stderr=log, text=True
        )
        try:
            yield OpenIDProvider(issuer=_issuer_announced_by(process, log), process=process)
        finally:
            process.terminate()
            process.wait(timeout=10)
            process.stdout.close()


def _issuer_announced_by(process: subprocess.Popen, log) -> str:
    deadline = time.monotonic() + START_TIMEOUT
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if selector.select(timeout=deadline - time.monotonic()):
                line = process.stdout.readline()
                if line.startswith("issuer "):
                    issuer = line.split(" ", 1)[1].strip()
                    assert urlsplit(issuer).hostname == "127.0.0.1"
                    return issuer
                if not line:  # it exited
                    break
    process.kill()
    log.seek(0)
    raise RuntimeError(f"the OpenID provider did not start:\n{log.read()}")
