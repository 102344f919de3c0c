"""Running the ``foidesk`` command as a separate process, as an administrator would."""

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

FOIDESK = Path(sys.executable).parent / "foidesk"


def environment(data_dir, database_url=None, **extra):
    """The caller's environment without the test suite's settings, plus ``extra``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DATABASE_URL", "DEBUG"}
    }
    env["FOIDESK_DATA_DIR"] = str(data_dir)
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update(extra)
    return env


def run(*args, env, timeout=120):
    return subprocess.run(
        [FOIDESK, *args],
        env=env,
        cwd=settings.PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serving(*args, env, port, after=None):
    """Start ``foidesk ARGS --port PORT``; yield its base URL and output once it answers.
    ``after``, a list, is given what it printed from then until it was stopped."""
    process = subprocess.Popen(
        [FOIDESK, *args, "--port", str(port)],
        env=env,
        cwd=settings.PROJECT_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = []
    try:
        for line in process.stdout:
            output.append(line)
            if line.startswith("Serving on"):
                break
        _wait_for(port, process, output)
        yield f"http://127.0.0.1:{port}", "".join(output)
    finally:
        process.terminate()
        process.wait(timeout=20)
        if after is not None:
            after.append(process.stdout.read())
        process.stdout.close()


def _wait_for(port, process, output, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("foidesk stopped before serving:\n" + "".join(output))
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.1)
    pytest.fail(f"foidesk did not answer on port {port}:\n" + "".join(output))
