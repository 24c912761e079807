"""Production's static file storage keeps each file's hashed address, and answers as WhiteNoise's does."""

from __future__ import annotations

import pytest
from django.test import override_settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

from rapport.web.static_files import HashedStaticFilesStorage

MANIFEST = {"rapport/app.css": "rapport/app.0123abcd.css"}


def _storages(tmp_path):
    for storage_class in (CompressedManifestStaticFilesStorage, HashedStaticFilesStorage):
        storage = storage_class(location=str(tmp_path), base_url="/static/")
        storage.hashed_files = dict(MANIFEST)
        yield storage


def test_each_address_is_the_one_whitenoise_gives_every_time(tmp_path):
    whitenoise, kept = _storages(tmp_path)
    for _ in range(2):
        assert (
            kept.url("rapport/app.css")
            == whitenoise.url("rapport/app.css")
            == "/static/rapport/app.0123abcd.css"
        )
        assert kept.url("rapport/app.css", force=True) == whitenoise.url("rapport/app.css", force=True)


def test_a_file_missing_from_the_manifest_is_refused_every_time(tmp_path):
    _whitenoise, kept = _storages(tmp_path)
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            kept.url("rapport/missing.css")


def test_with_debug_on_the_plain_name_is_answered_as_django_does(tmp_path):
    whitenoise, kept = _storages(tmp_path)
    kept.url("rapport/app.css")
    with override_settings(DEBUG=True):
        assert kept.url("rapport/app.css") == whitenoise.url("rapport/app.css") == "/static/rapport/app.css"
    assert kept.url("rapport/app.css") == "/static/rapport/app.0123abcd.css"
