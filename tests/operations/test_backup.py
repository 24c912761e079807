"""manage.py backup / restore: the demo district comes back table for table, keys stay out."""

from __future__ import annotations

import tarfile
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from rapport.demo import district
from rapport.people.models import User
from rapport.relationships.models import Note
from tests.operations.tables import table_fingerprints

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def backup(path) -> str:
    out, err = StringIO(), StringIO()
    call_command("backup", str(path), stdout=out, stderr=err)
    return err.getvalue()


def restore(path, *args) -> None:
    call_command("restore", str(path), *args, stdout=StringIO(), stderr=StringIO())


def test_the_demo_district_round_trips_table_for_table(tmp_path, media_root):
    district.build(schools=3, coaches=4, teachers=30, years=1)
    (media_root / "recordings").mkdir()
    (media_root / "recordings" / "session.webm").write_bytes(b"\x1a\x45\xdf\xa3 a recording")
    before = table_fingerprints()
    assert before["relationships_note"][0] > 100
    archive = tmp_path / "rapport.tar.gz"

    warning = backup(archive)

    assert "NOT in this backup" in warning
    Note.objects.all().delete()
    User.objects.filter(email="teacher@example.org").update(full_name="Changed after the backup")
    (media_root / "recordings" / "session.webm").unlink()
    with pytest.raises(CommandError, match="not empty"):
        restore(archive)
    assert table_fingerprints() != before, "a refused restore must change nothing"

    restore(archive, "--force")

    assert table_fingerprints() == before
    assert (media_root / "recordings" / "session.webm").read_bytes() == b"\x1a\x45\xdf\xa3 a recording"
    assert Note.objects.filter(relationship__teacher__email="teacher@example.org").first().body


def test_an_empty_database_is_restored_without_force(tmp_path, media_root):
    district.build(schools=2, coaches=2, teachers=6, years=1)
    before = table_fingerprints()
    archive = tmp_path / "rapport.tar.gz"
    backup(archive)
    call_command("flush", "--no-input", verbosity=0)

    restore(archive)

    assert table_fingerprints() == before


def test_the_archive_holds_neither_the_keys_nor_readable_notes(tmp_path, media_root):
    demo = district.build(schools=2, coaches=2, teachers=6, years=1)
    relationship = demo.relationships[0]
    Note.objects.create(
        relationship=relationship,
        author=relationship.coach,
        body="BACKUP-SENTINEL-7Q2 never readable in a backup",
    )
    archive = tmp_path / "rapport.tar.gz"
    backup(archive)

    with tarfile.open(archive, "r:gz") as tar:
        contents = b"".join(tar.extractfile(member).read() for member in tar.getmembers() if member.isfile())
    assert b"BACKUP-SENTINEL-7Q2" not in contents
    for key in settings.RAPPORT_ENCRYPTION_KEYS:
        assert key.encode() not in contents
    assert (archive.stat().st_mode & 0o777) == 0o600


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    with tarfile.open(bogus, "w:gz") as tar:
        readme = tmp_path / "README"
        readme.write_text("hello")
        tar.add(readme, arcname="README")
    with pytest.raises(CommandError, match="not a Rapport backup"):
        restore(bogus)
    with pytest.raises(CommandError, match="No backup"):
        restore(tmp_path / "missing.tar.gz")
