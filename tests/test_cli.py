"""The foidesk command: --version, --help, demo, serve and manage, run as separate processes."""

import contextlib
import re
import urllib.error
import urllib.request

import openpyxl
import pytest
from docx import Document

import foidesk
from tests.processes import environment, free_port, run, serving


def test_version(tmp_path):
    result = run("--version", env=environment(tmp_path))
    assert result.stdout.strip() == f"foidesk {foidesk.__version__}"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], ["demo", "serve", "manage"]),
        (["demo"], ["--host", "--port", "--load-only"]),
        (["serve"], ["--host", "--port", "--no-migrate", "DEBUG"]),
        (["manage"], ["migrate", "createsuperuser"]),
        (["check-file"], ["PATH", "spreadsheets", "PDFs"]),
    ],
)
def test_every_command_has_help(tmp_path, args, expected):
    result = run(*args, "--help", env=environment(tmp_path, SECRET_KEY="help-only"))
    assert result.returncode == 0, result.stderr
    for word in expected:
        assert word in result.stdout


def test_demo_load_only_sets_up_once_and_running_it_again_duplicates_nothing(
    tmp_path, scratch_database_url
):
    env = environment(tmp_path, scratch_database_url)
    first = run("demo", "--load-only", env=env)
    assert first.returncode == 0, first.stderr
    password = re.search(r"Password for each: (\S+)", first.stdout).group(1)
    for username in ["officer", "contributor.adults", "contributor.family", "approver", "admin"]:
        assert f"  {username}\n" in first.stdout
    assert "http://127.0.0.1:8000/" in first.stdout
    counts = _counts(env)

    second = run("demo", "--load-only", env=env)
    assert second.returncode == 0, second.stderr
    assert f"Password for each: {password}" in second.stdout
    assert _counts(env) == counts == "authorities=1 areas=2 users=5 groups=4"
    if scratch_database_url is None:
        assert (tmp_path / "foidesk.sqlite3").exists()
    # The sign-in details come last, with no task or PDF chatter.
    assert "INFO" not in first.stdout + first.stderr
    assert first.stdout.rstrip().splitlines()[-1].endswith("uv run foidesk token create officer")


def test_commands_after_the_demo_use_its_key_and_serve_never_does(tmp_path, scratch_database_url):
    """README: after ``foidesk demo``, ``foidesk token create officer`` prints a token, with
    nothing exported; production (``foidesk serve``) still refuses to start without a key."""
    env = environment(tmp_path, scratch_database_url)
    assert run("demo", "--load-only", env=env).returncode == 0
    assert "SECRET_KEY" not in env
    made = run("token", "create", "officer", env=env)
    assert made.returncode == 0, made.stderr
    assert len(made.stdout.strip()) > 30
    assert run("manage", "check", env=env).returncode == 0
    refused = run("serve", "--no-migrate", env=env)
    assert refused.returncode == 1
    assert "SECRET_KEY is not set" in refused.stderr


def test_serve_refuses_to_start_without_a_secret_key(tmp_path):
    result = run("serve", env=environment(tmp_path))
    assert result.returncode == 1
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_refuses_to_start_with_debug_on(tmp_path):
    result = run("serve", env=environment(tmp_path, SECRET_KEY="k" * 50, DEBUG="true"))
    assert result.returncode == 1
    assert "DEBUG is on" in result.stderr


def test_serve_behind_a_tls_proxy_sends_hsts_and_serves_its_assets(tmp_path, scratch_database_url):
    env = environment(
        tmp_path, scratch_database_url, SECRET_KEY="k" * 50, FOIDESK_TRUSTED_PROXY="127.0.0.1"
    )
    with serving("serve", env=env, port=free_port()) as (base, _output):
        page = _get(base + "/", {"X-Forwarded-Proto": "https"})
        assert page.headers["Strict-Transport-Security"] == "max-age=31536000"
        assert "Your authority" in page.body
        plain = _get(base + "/")
        assert "Strict-Transport-Security" not in plain.headers

        stylesheet = re.search(r'href="(/static/foidesk/foidesk\.[0-9a-f]+\.css)"', page.body)
        css = _get(base + stylesheet.group(1))
        assert css.status == 200
        assert "max-age=315360000" in css.headers["Cache-Control"]
        assert "GDS Transport" not in css.body

        missing = _get(base + "/no-such-page/")
        assert missing.status == 404
        assert "Page not found" in missing.body


class _Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body


def _get(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return _Response(response.status, response.headers, response.read().decode())
    except urllib.error.HTTPError as error:
        return _Response(error.code, error.headers, error.read().decode())


def _counts(env):
    script = (
        "from django.contrib.auth.models import Group; "
        "from foidesk.accounts.models import User; "
        "from foidesk.casework.models import Authority, ServiceArea; "
        "print(f'authorities={Authority.objects.count()} areas={ServiceArea.objects.count()} "
        "users={User.objects.count()} groups={Group.objects.count()}')"
    )
    result = run(
        "manage", "shell", "--no-imports", "-c", script, env={**env, "SECRET_KEY": "counting"}
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_check_file_prints_each_finding_and_exits_2_when_anything_is_hidden(tmp_path):
    """It needs no database and no SECRET_KEY: the check runs without Django."""
    env = environment(tmp_path)
    clean = tmp_path / "answers.csv"
    clean.write_bytes("\ufeff,Mosaic\r\nUsers,120\r\n".encode())
    book = openpyxl.Workbook()
    book.properties.creator = None
    book.active.title = "Adults"
    book.create_sheet("Staff").sheet_state = "hidden"
    hidden = tmp_path / "staff.xlsx"
    book.save(hidden)

    passed = run("check-file", str(clean), env=env)
    assert (passed.returncode, passed.stdout) == (0, f"{clean}: nothing hidden found\n")

    failed = run("check-file", str(clean), str(hidden), env=env)
    assert failed.returncode == 2, failed.stderr
    assert failed.stdout.splitlines() == [
        f"{clean}: nothing hidden found",
        f"{hidden}: sheet “Staff”: A hidden sheet: it is not shown, but anyone can unhide it "
        "and read everything on it.",
    ]

    missing = run("check-file", str(clean), str(tmp_path / "missing.pdf"), env=env)
    assert missing.returncode == 2
    assert missing.stdout == f"{clean}: nothing hidden found\n"
    assert missing.stderr.splitlines() == [
        f"foidesk check-file: {tmp_path / 'missing.pdf'}: No such file or directory"
    ]


def test_token_create_prints_the_token_and_nothing_else(tmp_path, scratch_database_url):
    env = environment(tmp_path, scratch_database_url, SECRET_KEY="token-test")
    assert run("manage", "migrate", env=env).returncode == 0
    make_officer = (
        "from django.contrib.auth.models import Group; from foidesk.accounts.models import User; "
        "User.objects.create_user('officer').groups.add(Group.objects.get(name='officer'))"
    )
    assert run("manage", "shell", "--no-imports", "-c", make_officer, env=env).returncode == 0

    made = run("token", "create", "officer", "--name", "case system", env=env)
    assert made.returncode == 0, made.stderr
    lines = made.stdout.splitlines()
    assert len(lines) == 1
    assert re.fullmatch(r"fd_[\w-]{40,}", lines[0])

    refused = run("token", "create", "nobody", env=env)
    assert refused.returncode == 2
    assert refused.stdout == ""
    assert refused.stderr.strip() == "foidesk token create: there is no user called 'nobody'"


def test_response_writes_the_letter_and_refuses_an_incomplete_one(tmp_path, scratch_database_url):
    env = environment(tmp_path, scratch_database_url)
    assert run("demo", "--load-only", env=env).returncode == 0

    out = tmp_path / "5973764.docx"
    made = run("response", "5973764", "--format", "docx", "--out", str(out), env=env)
    assert made.returncode == 0, made.stderr
    # It reads like Barnet's letter: addressed, signed, A4, both services answered.
    document = Document(str(out))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    for words in [
        "Sam Requester",
        "Dear Sam Requester,",
        "Our ref: 5973764",
        "14 February 2020",
        "Family Services",
        "Section 43(2): Commercial interests",
        "Yours sincerely,",
        "Olu Officer",
        "Information Management Team",
    ]:
        assert words in text, words
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    as_sent = tmp_path / "as-sent.docx"
    kept = run(
        "response", "5973764", "--format", "docx", "--as-sent", "--out", str(as_sent), env=env
    )
    assert kept.returncode == 0, kept.stderr
    assert "Olu Officer" in "\n".join(p.text for p in Document(str(as_sent)).paragraphs)
    workbook = tmp_path / "answers.xlsx"
    assert (
        run("response", "5973764", "--format", "xlsx", "--out", str(workbook), env=env).returncode
        == 0
    )

    # A drafting case of the demo's, every question then released with nothing said. Set
    # here, whatever the demo generated for that case on the day the test runs.
    blank_one = (
        "from foidesk.casework.models import Request\n"
        "from foidesk.responses.models import Decision\n"
        "case = Request.objects.filter(\n"
        "    regime='foi', state='drafting', questions__decision__isnull=False)"
        ".order_by('reference').first()\n"
        "Decision.objects.filter(question__request=case).update(\n"
        "    held='yes', outcome='released', answer='', exemptions=[])\n"
        "print(case.reference)"
    )
    blanked = run("manage", "shell", "--no-imports", "-c", blank_one, env=env)
    assert blanked.returncode == 0, blanked.stderr
    drafting = blanked.stdout.strip().splitlines()[-1]
    refused = run(
        "response", drafting, "--format", "pdf", "--out", str(tmp_path / "x.pdf"), env=env
    )
    assert refused.returncode == 2
    assert "the response is not complete" in refused.stderr
    assert "- Q1" in refused.stderr
    assert not (tmp_path / "x.pdf").exists()
    unsent = run(
        "response",
        drafting,
        "--format",
        "pdf",
        "--as-sent",
        "--out",
        str(tmp_path / "x.pdf"),
        env=env,
    )
    assert unsent.returncode == 2
    assert f"no response to {drafting} has been sent yet" in unsent.stderr

    unknown = run(
        "response", "0000000", "--format", "pdf", "--out", str(tmp_path / "y.pdf"), env=env
    )
    assert unknown.returncode == 2
    assert (
        unknown.stderr.strip() == "foidesk response: there is no request with the reference 0000000"
    )


def test_mail_receive_and_import_eml_turn_email_into_requests(tmp_path, scratch_database_url):
    import smtplib
    import time

    from tests.intake.test_services import email

    env = environment(tmp_path, scratch_database_url, SECRET_KEY="mail-test")
    assert run("manage", "migrate", env=env).returncode == 0
    saved = tmp_path / "request.eml"
    saved.write_bytes(email().as_bytes())
    imported = run("import-eml", str(saved), env=env)
    assert imported.returncode == 0, imported.stderr
    assert re.search(r"request.eml: Logged as a new request \(\d{7}\)", imported.stdout)

    port = free_port()
    with serving_mail(env, port):
        with smtplib.SMTP("127.0.0.1", port) as client:
            client.send_message(email(message_id="<second@example.com>"))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _requests(env) < 2:
            time.sleep(0.2)
    assert _requests(env) == 2


def _requests(env):
    count = "from foidesk.casework.models import Request; print(Request.objects.count())"
    return int(run("manage", "shell", "--no-imports", "-c", count, env=env).stdout.strip())


@contextlib.contextmanager
def serving_mail(env, port):
    import subprocess

    from tests.processes import FOIDESK

    process = subprocess.Popen(
        [FOIDESK, "mail-receive", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout.readline().startswith("Receiving email on")
        yield
    finally:
        process.terminate()
        process.wait(timeout=20)
        process.stdout.close()
