import json
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import handlers as staticfiles_handlers
from django.test import testcases

# Playwright's sync API runs an event loop in the test's thread; Django's guard against
# database calls from async code would otherwise trip on the live server's teardown.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("FOIDESK_CHROMIUM", "/usr/bin/chromium")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a downloaded browser, without reaching out to the network."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"The browser tests drive Chromium at {CHROMIUM}, which is not there. Install it "
            "(Debian and Ubuntu: sudo apt-get install chromium), or set FOIDESK_CHROMIUM "
            "to the path of a Chromium or Chrome on this machine."
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def live_server(_serve_collected_static, live_server):
    return live_server


@pytest.fixture(scope="session")
def _serve_collected_static():
    """Serve the collected, hashed assets, as production does, not the finders' sources.

    The live server otherwise answers /static/ from the apps' folders, where the hashed
    names that pages link to do not exist.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(staticfiles_handlers, "StaticFilesHandler", testcases._StaticFilesHandler)
        yield


@pytest.fixture(scope="session")
def axe_source():
    return (Path(settings.PROJECT_DIR) / "node_modules/axe-core/axe.min.js").read_text()


@pytest.fixture
def axe(axe_source):
    """Check the page against WCAG 2.2 A and AA with axe-core; fail listing each violation."""

    def check(page):
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(axe_source)
        results = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
        )
        violations = [
            {"rule": v["id"], "impact": v["impact"], "where": [n["target"] for n in v["nodes"]]}
            for v in results["violations"]
        ]
        assert violations == [], f"{page.url}: {json.dumps(violations, indent=2)}"
        assert results["passes"], "axe ran no checks"

    return check


@pytest.fixture
def csp_violations(page):
    """Console reports of anything the Content Security Policy blocked on the page."""
    reports = []
    page.on(
        "console",
        lambda message: (
            reports.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return reports


@pytest.fixture(autouse=True)
def _fail_fast(context):
    """Pages here answer in milliseconds; a missing element should fail in seconds."""
    context.set_default_timeout(10_000)
