"""Static files as production serves them: WhiteNoise's compressed files under hashed names, each
file's address worked out once per process.

Every page's layout names the same five files, and turning a name into its hashed address
(the manifest lookup, splitting and joining the URL) cost about a tenth of a millisecond a
page (bench/RESULTS.md round 9). The manifest is read when the storage is created and does
not change while the process runs (``collectstatic`` writes a new one for the next start),
so each address is kept.
"""

from __future__ import annotations

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # With DEBUG on, Django answers the plain name instead of the hashed one: part of the key.
        self._urls: dict[tuple[str, bool], str] = {}

    def url(self, name: str | None, force: bool = False) -> str:
        if force or name is None:
            return super().url(name, force)
        key = (name, settings.DEBUG)
        if key not in self._urls:
            self._urls[key] = super().url(name)  # a name missing from the manifest raises, never kept
        return self._urls[key]
