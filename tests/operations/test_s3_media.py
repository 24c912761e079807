"""Media in an S3-compatible bucket: a real S3 API (moto's server on 127.0.0.1), reached
through the storage the environment configures, holding only ciphertext that the app's
own views hand out."""

from __future__ import annotations

import io
import itertools
import json
import os
import subprocess
import sys
import tarfile
import zipfile

import boto3
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse
from moto.server import ThreadedMotoServer
from storages.backends.s3 import S3File

from rapport import settings as rapport_settings
from rapport.conversations import recordings
from rapport.insights import exports
from rapport.insights.models import Export
from rapport.privacy import encryption
from tests.conversations.samples import make_conversation, wav_bytes

pytestmark = pytest.mark.django_db

MEDIA_VARIABLES = (
    "RAPPORT_MEDIA_BUCKET",
    "RAPPORT_MEDIA_ENDPOINT_URL",
    "RAPPORT_MEDIA_REGION",
    "RAPPORT_MEDIA_ACCESS_KEY_ID",
    "RAPPORT_MEDIA_SECRET_ACCESS_KEY",
)
ACCESS_KEY, SECRET_KEY, REGION = "testing-access-key", "testing-secret-key", "us-east-1"
LOCAL_DISK = "django.core.files.storage.FileSystemStorage"
bucket_numbers = itertools.count()


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3 server in a thread, on a port the system picks: one per test module."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def media_env(monkeypatch):
    """Sets the RAPPORT_MEDIA_* variables given, and no others."""
    for name in MEDIA_VARIABLES:
        monkeypatch.delenv(name, raising=False)

    def set_env(**variables: str) -> None:
        for name, value in variables.items():
            monkeypatch.setenv(name, value)

    return set_env


@pytest.fixture
def bucket(s3_endpoint, media_env, settings):
    """A new empty bucket, made the default storage through the environment, as in production."""
    s3 = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )
    name = f"rapport-media-{next(bucket_numbers)}"
    s3.create_bucket(Bucket=name)
    media_env(
        RAPPORT_MEDIA_BUCKET=name,
        RAPPORT_MEDIA_ENDPOINT_URL=s3_endpoint,
        RAPPORT_MEDIA_REGION=REGION,
        RAPPORT_MEDIA_ACCESS_KEY_ID=ACCESS_KEY,
        RAPPORT_MEDIA_SECRET_ACCESS_KEY=SECRET_KEY,
    )
    settings.STORAGES = {**settings.STORAGES, "default": rapport_settings.media_storage()}
    return BucketView(s3, name)


class BucketView:
    """What is in the bucket, read with boto3 directly rather than through Rapport."""

    def __init__(self, s3, name: str):
        self.s3, self.name = s3, name

    def keys(self) -> list[str]:
        return [item["Key"] for item in self.s3.list_objects_v2(Bucket=self.name).get("Contents", [])]

    def read(self, key: str) -> bytes:
        return self.s3.get_object(Bucket=self.name, Key=key)["Body"].read()

    def public_grants(self, key: str) -> list[dict]:
        grants = self.s3.get_object_acl(Bucket=self.name, Key=key)["Grants"]
        return [grant for grant in grants if "AllUsers" in grant["Grantee"].get("URI", "")]


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- From the environment to the settings ------------------------------------------------------


def test_without_a_bucket_media_stay_on_local_disk(media_env):
    assert rapport_settings.media_storage() == {"BACKEND": LOCAL_DISK}


def test_a_bucket_alone_leaves_endpoint_region_and_credentials_to_boto3(media_env):
    media_env(RAPPORT_MEDIA_BUCKET="district-media")
    assert rapport_settings.media_storage() == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "district-media",
            "location": "media",
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            "max_memory_size": 2 * 1024 * 1024,
        },
    }


def test_the_environment_configures_the_default_storage_when_settings_load(media_env):
    """The settings module itself, loaded fresh in another process, as a web host loads it."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rapport.settings",
        "RAPPORT_MEDIA_BUCKET": "district-media",
        "RAPPORT_MEDIA_ENDPOINT_URL": "https://minio.district.example:9000",
        "RAPPORT_MEDIA_REGION": "eu-west-1",
        "RAPPORT_MEDIA_ACCESS_KEY_ID": "rapport-key",
        "RAPPORT_MEDIA_SECRET_ACCESS_KEY": "rapport-secret",
    }
    script = (
        "import django, json; django.setup();"
        "from django.core.files.storage import storages; s = storages['default'];"
        "print(json.dumps([type(s).__name__, s.bucket_name, s.endpoint_url, s.region_name, s.access_key,"
        " s.secret_key, s.location, s.default_acl, s.querystring_auth, s.file_overwrite]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert json.loads(result.stdout) == [
        "S3Storage",
        "district-media",
        "https://minio.district.example:9000",
        "eu-west-1",
        "rapport-key",
        "rapport-secret",
        "media",
        None,
        True,
        False,
    ]


# --- Exports --------------------------------------------------------------------------------------


def test_an_export_is_sealed_in_the_bucket_and_only_its_owner_downloads_it(world, client_as, bucket):
    export = Export.objects.create(owner=world.teacher, kind=Export.Kind.MY_DATA)
    exports.run(export.pk)
    export.refresh_from_db()
    assert export.status == Export.Status.DONE

    key = f"media/{export.file.name}"
    assert bucket.keys() == [key]
    stored = bucket.read(key)
    assert not stored.startswith(b"PK")
    assert world.private_note.body.encode() not in stored
    assert bucket.public_grants(key) == []

    url = reverse("export_download", args=[export.pk])
    assert client_as(world.coach).get(url).status_code == 404
    response = client_as(world.teacher).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert world.private_note.body in archive.read("rapport-my-data.json").decode()
    assert response.content == exports.unseal(stored)


# --- Recordings -----------------------------------------------------------------------------------


def test_a_recording_is_encrypted_in_the_bucket_and_plays_by_range(world, client_as, bucket, monkeypatch):
    audio = wav_bytes(seconds=80)  # 640 KB: three chunks
    conversation = make_conversation(world, recording=audio)
    key = f"media/{conversation.recording_name}"
    assert bucket.keys() == [key]
    stored = bucket.read(key)
    assert not stored.startswith(b"RIFF")
    assert b"\x80" not in stored
    assert bucket.public_grants(key) == []

    # Playback is ranged GETs: django-storages never downloads the whole object to serve it.
    monkeypatch.setattr(S3File, "file", property(lambda file: pytest.fail("the whole object was fetched")))
    url = reverse("conversation_recording", args=[conversation.pk])
    assert client_as(world.teacher).get(url).status_code == 404
    client = client_as(world.coach)
    assert body_of(client.get(url)) == audio
    first, last = recordings.CHUNK - 10, recordings.CHUNK * 2 + 5
    part = client.get(url, HTTP_RANGE=f"bytes={first}-{last}")
    assert part.status_code == 206
    assert body_of(part) == audio[first : last + 1]
    assert body_of(client.get(url, HTTP_RANGE="bytes=-100")) == audio[-100:]


def test_key_rotation_rewrites_recordings_in_the_bucket(world, client_as, bucket, settings):
    audio = wav_bytes(seconds=40)
    conversation = make_conversation(world, recording=audio)
    settings.RAPPORT_ENCRYPTION_KEYS = [encryption.generate_key(), *settings.RAPPORT_ENCRYPTION_KEYS]
    call_command("rotate_keys", stdout=io.StringIO())
    settings.RAPPORT_ENCRYPTION_KEYS = settings.RAPPORT_ENCRYPTION_KEYS[:1]  # old keys dropped

    conversation.refresh_from_db()
    assert bucket.keys() == [f"media/{conversation.recording_name}"]
    response = client_as(world.coach).get(reverse("conversation_recording", args=[conversation.pk]))
    assert body_of(response) == audio


# --- Backups ----------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_backup_says_media_are_left_to_the_bucket_versioning(world, bucket, tmp_path):
    make_conversation(world, recording=wav_bytes(0.5))
    archive = tmp_path / "rapport.tar.gz"
    out, err = io.StringIO(), io.StringIO()
    call_command("backup", str(archive), stdout=out, stderr=err)

    assert "media in the bucket, not in the archive" in out.getvalue()
    assert "Media files are NOT in this backup" in err.getvalue()
    assert "versioning" in err.getvalue()
    with tarfile.open(archive, "r:gz") as tar:
        assert not [name for name in tar.getnames() if name.startswith("media")]


@pytest.mark.django_db(transaction=True)
def test_a_restore_puts_an_archives_media_into_the_bucket(bucket, settings, tmp_path):
    """Moving from local disk to a bucket: the files come back under their own names."""
    bucket_storage = settings.STORAGES["default"]
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": LOCAL_DISK}}
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "exports").mkdir(parents=True)
    (settings.MEDIA_ROOT / "exports" / "a1b2.bin").write_bytes(b"sealed export bytes")
    archive = tmp_path / "rapport.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO(), stderr=io.StringIO())

    settings.STORAGES = {**settings.STORAGES, "default": bucket_storage}
    out = io.StringIO()
    call_command("restore", str(archive), "--force", stdout=out, stderr=io.StringIO())

    assert "1 media files" in out.getvalue()
    assert bucket.read("media/exports/a1b2.bin") == b"sealed export bytes"
