"""Collecting the static files on each start: only when one of them has changed."""

import os

import pytest
from django.conf import settings

from foidesk import assets


@pytest.fixture
def static_root(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    return settings.STATIC_ROOT


def test_static_files_are_collected_again_only_when_one_has_changed(static_root):
    assets.collect()
    manifest = static_root / "staticfiles.json"
    first = manifest.stat().st_mtime_ns
    assets.collect()
    assert manifest.stat().st_mtime_ns == first  # nothing changed, nothing done

    source = settings.FRONTEND_DIR / "dist" / "foidesk.css"
    status = source.stat()
    os.utime(source, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000_000))
    try:
        assets.collect()
        assert manifest.stat().st_mtime_ns != first
    finally:
        os.utime(source, ns=(status.st_atime_ns, status.st_mtime_ns))


def test_a_static_root_emptied_by_hand_is_collected_again(static_root):
    assets.collect()
    (static_root / "staticfiles.json").unlink()
    assets.collect()
    assert (static_root / "staticfiles.json").exists()
