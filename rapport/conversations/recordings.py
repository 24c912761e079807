"""Recordings: encrypted at rest in Django's default storage, streamed with HTTP ranges.

A recording is stored through ``default_storage`` (local files, or S3-compatible
storage through django-storages) under a random name, and encrypted with the same
keys as confidential text. It is cut into fixed-size chunks, each its own Fernet
token on its own line; every full chunk's token has the same length, so the chunk
holding any byte is found by arithmetic and a range request fetches and decrypts only
the chunks it needs. Nothing serves these files but ``stream``, behind the access policy.
"""

from __future__ import annotations

import base64
import re
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from rapport.privacy import encryption

CHUNK = 256 * 1024
_FERNET_OVERHEAD = 1 + 8 + 16 + 32  # version, timestamp, IV, HMAC
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")

MEDIA_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".wav": "audio/wav",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".webm": "video/webm",
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
}


def _token_length(plain_length: int) -> int:
    padded = (plain_length // 16 + 1) * 16
    return len(base64.urlsafe_b64encode(bytes(_FERNET_OVERHEAD + padded)))


FULL_TOKEN = _token_length(CHUNK) + 1  # with its newline
STREAM_ABOVE = 4 * CHUNK


def save(upload: File) -> tuple[str, int]:
    """Encrypt and store an uploaded file; its storage name and plain size.

    The ciphertext goes through a spooled temporary file, so a large recording is
    never held in memory whole.
    """
    cipher = encryption.cipher()
    size = 0
    upload.seek(0)
    with tempfile.SpooledTemporaryFile(max_size=8 * CHUNK) as encrypted:
        while chunk := _read_full(upload, CHUNK):
            size += len(chunk)
            encrypted.write(cipher.encrypt(chunk) + b"\n")
        encrypted.seek(0)
        name = default_storage.save(f"conversations/{secrets.token_urlsafe(24)}.bin", File(encrypted))
    return name, size


def _read_full(stream: IO[bytes], size: int) -> bytes:
    """``size`` bytes (fewer only at the end), however few each read returns: offsets
    of later chunks depend on it."""
    data = b""
    while len(data) < size:
        more = stream.read(size - len(data))
        if not more:
            break
        data += more
    return data


def delete(name: str) -> None:
    if name:
        default_storage.delete(name)


def _plain_bytes(name: str, first: int, last: int) -> Iterator[bytes]:
    """Decrypted bytes ``first``..``last`` (inclusive) of a stored recording."""
    cipher = encryption.cipher()
    first_chunk, last_chunk = first // CHUNK, last // CHUNK
    with _stored_range(name, first_chunk * FULL_TOKEN, (last_chunk + 1) * FULL_TOKEN) as stored:
        for index in range(first_chunk, last_chunk + 1):
            chunk = cipher.decrypt(_read_full(stored, FULL_TOKEN).rstrip(b"\n"))
            offset = index * CHUNK
            yield chunk[max(first - offset, 0) : last - offset + 1]


@contextmanager
def _stored_range(name: str, start: int, end: int) -> Iterator[IO[bytes]]:
    """The stored file as a stream from byte ``start``; nothing from ``end`` on is needed.

    From an S3-compatible bucket this is one ranged GET: reading the file opened there
    (django-storages' S3File) would fetch the whole recording, into memory, for every range
    a player asks for.
    """
    with default_storage.open(name, "rb") as stored:
        if _in_s3_bucket():
            # django-storages' S3File: its object, read by range.
            body = stored.obj.get(Range=f"bytes={start}-{end - 1}")["Body"]  # type: ignore[attr-defined]
            try:
                yield body
            finally:
                body.close()
        else:
            stored.seek(start)
            yield stored


def _in_s3_bucket() -> bool:
    """Whether media are in an S3-compatible bucket; boto3 (about 37 MB a process) is imported only then."""
    if isinstance(default_storage, FileSystemStorage):
        return False
    from storages.backends.s3 import S3Storage

    return isinstance(default_storage, S3Storage)


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """The (first, last) bytes a ``Range`` header asks for; None if unsatisfiable.

    One range only (what media players send); ``bytes=500-``, ``bytes=-500`` and
    ``bytes=0-99`` forms.
    """
    match = _RANGE.match(header.strip())
    if not match or size == 0:
        return None
    start, end = match.groups()
    if not start and not end:
        return None
    if not start:
        suffix = int(end)
        return (max(size - suffix, 0), size - 1) if suffix else None
    first = int(start)
    last = min(int(end), size - 1) if end else size - 1
    if first >= size or last < first:
        return None
    return first, last


def stream(
    request: HttpRequest, name: str, content_type: str, size: int
) -> HttpResponse | StreamingHttpResponse:
    """The recording, whole (200) or one range (206); 416 for a range we cannot serve."""
    response: HttpResponse | StreamingHttpResponse
    header = request.headers.get("Range")
    if header is None:
        first, last, status = 0, size - 1, 200
    else:
        wanted = parse_range(header, size)
        if wanted is None:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        (first, last), status = wanted, 206
    length = last - first + 1 if size else 0
    body = _plain_bytes(name, first, last) if size else iter(())
    # Small answers go out whole; only large ones are worth streaming chunk by chunk.
    if length <= STREAM_ABOVE:
        response = HttpResponse(b"".join(body), status=status, content_type=content_type)
    else:
        response = StreamingHttpResponse(body, status=status, content_type=content_type)
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    if status == 206:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    return response


def reencrypt(name: str) -> str:
    """The same recording under the current key, stored under a new name; the old file is removed.

    Rotation keeps every chunk's plaintext, so token lengths and offsets stay as they were.
    """
    cipher = encryption.cipher()
    with default_storage.open(name, "rb") as stored, tempfile.SpooledTemporaryFile(max_size=8 * CHUNK) as out:
        for line in stored:
            token = line.rstrip(b"\n")
            if token:
                out.write(cipher.rotate(token) + b"\n")
        out.seek(0)
        new_name = default_storage.save(f"conversations/{secrets.token_urlsafe(24)}.bin", File(out))
    default_storage.delete(name)
    return new_name


def reencrypt_all() -> int:
    """Every stored recording under the current key (``manage.py rotate_keys`` calls this)."""
    from rapport.conversations.models import Conversation

    count = 0
    for conversation in Conversation.objects.exclude(recording_name="").only("pk", "recording_name"):
        new_name = reencrypt(conversation.recording_name)
        Conversation.objects.filter(pk=conversation.pk).update(recording_name=new_name)
        count += 1
    return count
