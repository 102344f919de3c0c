"""Front-end assets: GOV.UK Frontend from npm, compiled into foidesk's stylesheet.

``npm ci`` installs the versions pinned in package-lock.json; the Sass build writes
frontend/dist, which Django's collectstatic then gathers with the app's own files.
Each step runs only when its output is missing or older than its input.
"""

import hashlib
import shutil
import subprocess
from pathlib import Path

GOVUK_FRONTEND_JS = Path("node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js")


class AssetsError(Exception):
    """The front-end assets could not be installed or built; the message says what to do."""


def _npm(project_dir, *args):
    npm = shutil.which("npm")
    if npm is None:
        raise AssetsError(
            "foidesk needs Node.js 20 or newer (with npm) to install its front-end assets. "
            "Install Node.js from your package manager or nodejs.org, then run this again."
        )
    result = subprocess.run(  # noqa: S603 (npm found on PATH, arguments fixed here)
        [npm, *args], cwd=project_dir, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise AssetsError(f"npm {' '.join(args)} failed:\n{result.stderr.strip()}")


def _older(target, *sources):
    if not target.exists():
        return True
    return any(target.stat().st_mtime < source.stat().st_mtime for source in sources)


def build(project_dir, report=print):
    """Install and compile what is missing or out of date under ``project_dir``."""
    project_dir = Path(project_dir)
    if built(project_dir) and not (project_dir / "node_modules").exists():
        return  # assets built elsewhere and shipped; nothing to install here
    lock = project_dir / "package-lock.json"
    installed = project_dir / "node_modules" / ".package-lock.json"
    if _older(installed, lock):
        report("Installing front-end packages (npm ci)…")
        _npm(project_dir, "ci", "--no-audit", "--no-fund")
    dist = project_dir / "frontend" / "dist"
    stylesheet = dist / "foidesk.css"
    if _older(stylesheet, project_dir / "frontend" / "foidesk.scss", lock):
        report("Compiling the stylesheet…")
        _npm(project_dir, "run", "--silent", "build")
    script = dist / GOVUK_FRONTEND_JS.name
    if _older(script, project_dir / GOVUK_FRONTEND_JS):
        shutil.copy2(project_dir / GOVUK_FRONTEND_JS, script)


def built(project_dir):
    dist = Path(project_dir) / "frontend" / "dist"
    return (dist / "foidesk.css").exists() and (dist / GOVUK_FRONTEND_JS.name).exists()


# Written in STATIC_ROOT by ``collect``: what the collected files were gathered from.
COLLECTED_FROM = ".collected-from"


def collect():
    """Django's collectstatic, unless no static file has changed since the last run: it
    hashes and compresses every file again each time (12 seconds on each start)."""
    from django.conf import settings
    from django.core.management import call_command

    stamp = Path(settings.STATIC_ROOT) / COLLECTED_FROM
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    sources = _static_sources()
    if manifest.exists() and stamp.exists() and stamp.read_text() == sources:
        return
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(sources)


def _static_sources():
    """A digest of every file collectstatic would gather: its name, size and time."""
    from django.contrib.staticfiles.finders import get_finders

    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in sorted(finder.list([]), key=lambda found: found[0]):
            status = Path(storage.path(path)).stat()
            digest.update(f"{path}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
    return digest.hexdigest()
