import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test stores recordings in a folder of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
