"""The ``foidesk`` command.

Django is imported only by the subcommands that need it, so that commands built on
``foidesk.law`` alone start quickly.
"""

import argparse
import contextlib
import logging
import os
import sys
from pathlib import Path

import foidesk
from foidesk import law
from foidesk.law.regimes import CALCULATED
from foidesk.responses.formats import ANSWER_FORMATS, FORMATS

SETTINGS_MODULE = "foidesk.config.settings"
LOOPBACK_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
ANY_ADDRESS = {"0.0.0.0", "::", ""}  # noqa: S104 (names the wildcard, binds nothing)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["manage"]:
        return manage(argv[1:])
    args = parser().parse_args(argv)
    if args.command is None:
        parser().print_help()
        return 2
    return args.run(args)


class _Parser(argparse.ArgumentParser):
    """Mistakes on the command line get one line saying what is wrong, and status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


class _Version(argparse.Action):
    """``--version``, with the version read only when asked for: reading it takes longer
    than a short command such as ``foidesk deadline`` takes to run."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, **kwargs):
        super().__init__(option_strings, dest, nargs=0, help="show foidesk's version and exit")

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"foidesk {foidesk.__version__}")
        parser.exit()


def parser():
    top = _Parser(
        prog="foidesk",
        description="Case management for Freedom of Information and Environmental "
        "Information requests, with a public disclosure log.",
    )
    top.add_argument("--version", action=_Version)
    commands = top.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    demo_cmd = commands.add_parser(
        "demo",
        help="set up the demo authority and users, then serve them",
        description="Create the database, apply migrations, build the front-end assets, "
        "load the demo authority (London Borough of Barnet) and its staff, print how to "
        "sign in, and serve on http://HOST:PORT. Safe to run again.",
    )
    _add_server_options(demo_cmd)
    demo_cmd.add_argument(
        "--load-only", action="store_true", help="set everything up, then exit without serving"
    )
    demo_cmd.set_defaults(run=demo)

    serve_cmd = commands.add_parser(
        "serve",
        help="serve foidesk in production (no demo data)",
        description="Apply migrations, collect the front-end assets and serve with a "
        "production WSGI server. Needs SECRET_KEY and refuses to run with DEBUG on.",
    )
    _add_server_options(serve_cmd)
    serve_cmd.add_argument(
        "--no-migrate",
        action="store_true",
        help="do not apply migrations (when a deployment step applies them once for many servers)",
    )
    serve_cmd.set_defaults(run=serve)

    _add_deadline_command(commands)
    _add_check_file_command(commands)

    worker_cmd = commands.add_parser(
        "worker",
        help="run background work: reminder emails and other queued tasks",
        description="Run queued background tasks (reminder emails) until stopped. Start one "
        "or more beside `foidesk serve`; `foidesk demo` runs one inside itself.",
    )
    worker_cmd.add_argument(
        "--batch", action="store_true", help="run what is queued now, then exit"
    )
    worker_cmd.set_defaults(run=worker)

    receive_cmd = commands.add_parser(
        "mail-receive",
        help="take incoming email over SMTP until stopped",
        description="Listen for email over SMTP on HOST:PORT. Each message is stored as it "
        "came, then logged as a new request, added to its case, or kept for an officer.",
    )
    receive_cmd.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (%(default)s)"
    )
    receive_cmd.add_argument(
        "--port", type=int, default=8025, help="port to listen on (%(default)s)"
    )
    receive_cmd.set_defaults(run=mail_receive)

    poll_cmd = commands.add_parser(
        "mail-poll",
        help="fetch new email from an IMAP mailbox, once",
        description="Fetch the messages in the IMAP folder (FOIDESK_IMAP_* settings), store "
        "and read each, and move it to the processed folder. Run it from cron or a timer.",
    )
    poll_cmd.set_defaults(run=mail_poll)

    import_cmd = commands.add_parser(
        "import-eml",
        help="read email saved as .eml files",
        description="Store and read each FILE as an email received now.",
    )
    import_cmd.add_argument("files", metavar="FILE", nargs="+")
    import_cmd.set_defaults(run=import_eml)

    response_cmd = commands.add_parser(
        "response",
        help="write a request's response: the letter or the answer tables",
        description="Write the response to request REFERENCE as a file: the letter (html, "
        "docx, pdf, txt) or the answer tables (xlsx, ods, csv: a zip of one file a sheet). "
        "The current draft, unless --as-sent asks for a version exactly as it was sent. "
        "Exits with status 2, listing what is missing, while the draft is not complete.",
    )
    response_cmd.add_argument("reference", metavar="REFERENCE")
    response_cmd.add_argument("--format", required=True, choices=list(FORMATS))
    response_cmd.add_argument("--out", required=True, metavar="PATH", help="the file to write")
    response_cmd.add_argument(
        "--as-sent",
        nargs="?",
        const=0,
        type=int,
        metavar="VERSION",
        help="the file exactly as sent: the latest version, or VERSION",
    )
    response_cmd.set_defaults(run=response)

    token_cmd = commands.add_parser(
        "token",
        help="manage API tokens",
        description="API tokens let other systems use the JSON API as a member of staff.",
    )
    token_actions = token_cmd.add_subparsers(dest="token_action", metavar="ACTION", required=True)
    create_cmd = token_actions.add_parser(
        "create",
        help="print a new token for USERNAME, and nothing else, on standard output",
    )
    create_cmd.add_argument("username", metavar="USERNAME")
    create_cmd.add_argument("--name", default="", help="what the token is for")
    token_cmd.set_defaults(run=token)

    commands.add_parser(
        "manage",
        help="run one of Django's management commands, e.g. foidesk manage migrate",
        add_help=False,
    )
    return top


def _add_deadline_command(commands):
    command = commands.add_parser(
        "deadline",
        help="work out a statutory deadline and explain it day by day",
        description="Work out when a response is due, counting working days as the law "
        "says, and explain the count line by line. Dates are YYYY-MM-DD.",
    )
    command.add_argument("regime", metavar="REGIME", help=f"one of {', '.join(CALCULATED)}")
    command.add_argument("received", metavar="RECEIVED", help="the date the request was received")
    command.add_argument(
        "--extended", action="store_true", help="give the due date with the extension allowed"
    )
    command.add_argument(
        "--clarified", metavar="DATE", help="the date clarification of the request was received"
    )
    command.add_argument(
        "--clarification-sought",
        metavar="DATE",
        help="the date clarification was asked for (a subject access clock pauses from it)",
    )
    command.add_argument("--fee-notice", metavar="DATE", help="the date a fees notice was given")
    command.add_argument("--fee-paid", metavar="DATE", help="the date the fee was received")
    command.add_argument(
        "--nation",
        choices=[nation.value for nation in law.Nation],
        default=law.Nation.ENGLAND.value,
        help="the authority's nation, whose bank holidays a subject access request counts "
        "(%(default)s)",
    )
    command.add_argument("--json", action="store_true", help="print one JSON object")
    command.set_defaults(run=deadline)


def deadline(args):
    """Runs on foidesk.law alone: no Django, so that it starts at once."""
    import json

    from foidesk.law.dates import parse_iso

    fail = _usage_error("foidesk deadline")
    if args.regime not in CALCULATED:
        fail(f"unknown regime {args.regime!r}: use one of {', '.join(CALCULATED)}")
    if args.fee_paid and not args.fee_notice:
        fail("--fee-paid needs --fee-notice: give the date the fees notice was given")
    dated = [
        (law.Event.CLARIFICATION_SOUGHT, args.clarification_sought),
        (law.Event.CLARIFICATION_RECEIVED, args.clarified),
        (law.Event.FEE_NOTICE_GIVEN, args.fee_notice),
        (law.Event.FEE_RECEIVED, args.fee_paid),
    ]
    try:
        received = parse_iso(args.received)
        events = [law.ClockEvent(event, parse_iso(on)) for event, on in dated if on]
        result = law.deadline(
            args.regime,
            received,
            events,
            law.AuthoritySettings(nation=law.Nation(args.nation)),
            extended=args.extended,
        )
    except ValueError as problem:  # ClockError included
        fail(str(problem))
    if args.json:
        print(json.dumps(_deadline_as_json(result), indent=2))
    else:
        print("\n".join(result.steps))
    return 0


def _deadline_as_json(result):
    def iso(day):
        return day.isoformat() if day else None

    return {
        "regime": result.regime.value,
        "received": iso(result.received),
        "due": iso(result.final_due),
        "due_without_extension": iso(result.due),
        "extended_due": iso(result.extended_due),
        "extended": result.extension_applied,
        "day_zero": iso(result.start),
        "stopped_for": result.stopped_for,
        "stopped_since": iso(result.stopped_since),
        "lapses_on": iso(result.lapses_on),
        "steps": list(result.steps),
    }


def _add_check_file_command(commands):
    command = commands.add_parser(
        "check-file",
        help="check files for hidden content before they are released",
        description="Read each PATH for what its reader would not see but anyone with the "
        "file could find: hidden sheets, rows and columns, pivot caches, links, named "
        "ranges, comments, drop-down lists, embedded files, macros and properties in "
        "spreadsheets; tracked changes, comments, hidden text and properties in Word "
        "documents; text under a box, annotations, attachments and metadata in PDFs. "
        "Prints each finding, or that nothing hidden was found. Exits with status 2 when "
        "a file has a finding or cannot be read, 0 when every file is clean.",
    )
    command.add_argument("paths", metavar="PATH", nargs="+", help="a file to check")
    command.set_defaults(run=check_file)


def check_file(args):
    """Runs on foidesk.responses.filecheck alone: no Django, so that it starts at once."""

    from foidesk.responses import filecheck

    # pypdf logs each flaw it works round in a damaged PDF; the findings say what matters.
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    status = 0
    for name in args.paths:
        try:
            with open(name, "rb") as file:
                # A byte over the limit is enough for the check to say the file is too large.
                data = file.read(filecheck.MAX_FILE_BYTES + 1)
        except OSError as problem:
            reason = problem.strerror or "it cannot be read"
            print(f"foidesk check-file: {name}: {reason}", file=sys.stderr)
            status = 2
            continue
        findings = filecheck.check(Path(name).name, data)
        for finding in findings:
            print(f"{name}: {finding}")
        if findings:
            status = 2
        else:
            print(f"{name}: nothing hidden found")
    return status


def _usage_error(prog):
    def fail(message):
        print(f"{prog}: {message}", file=sys.stderr)
        raise SystemExit(2)

    return fail


def _add_server_options(command):
    command.add_argument("--host", default="127.0.0.1", help="address to listen on (%(default)s)")
    command.add_argument("--port", type=int, default=8000, help="port to listen on (%(default)s)")
    command.add_argument(
        "--threads", type=int, default=8, help="requests handled at once (%(default)s)"
    )


def worker(args):
    _setup_django()
    from foidesk import worker as background

    return background.run(batch=args.batch)


def response(args):
    _setup_django()
    from foidesk.casework.models import Request
    from foidesk.responses import services as responses

    fail = _usage_error("foidesk response")
    case = Request.objects.filter(reference=args.reference).first()
    if case is None:
        fail(f"there is no request with the reference {args.reference}")
    if args.as_sent is not None:
        Path(args.out).write_bytes(_as_sent(case, args.as_sent or None, args.format, fail))
        return 0
    missing = responses.problems(case)
    if missing:
        print("foidesk response: the response is not complete:", file=sys.stderr)
        for problem in missing:
            print(f"- {problem}", file=sys.stderr)
        raise SystemExit(2)
    if args.format in ANSWER_FORMATS:
        if not case.answer_sheets.exists():
            fail(f"request {case.reference} has no answer tables")
        body = responses.render_answers(case, args.format)
    else:
        body = responses.render_letter(case, args.format)
    Path(args.out).write_bytes(body)
    return 0


def _as_sent(case, version, extension, fail):
    from foidesk.responses import sending

    sent = sending.sent_version(case, version)
    if sent is None:
        fail(
            f"version {version} of the response to {case.reference} was not sent"
            if version
            else f"no response to {case.reference} has been sent yet"
        )
    kept = sending.sent_file(sent, extension)
    if kept is None:
        fail(f"version {sent.version} was not sent as {extension}")
    return sending.read(kept)


def mail_receive(args):
    import threading

    _setup_django()
    from foidesk.intake import smtp

    server = smtp.listener(args.host, args.port)
    server.start()
    print(f"Receiving email on {args.host}:{args.port} (Ctrl+C stops)", flush=True)
    try:
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    finally:
        server.stop()
    return 0


def mail_poll(args):
    _setup_django()
    from foidesk.intake import imap

    try:
        fetched = imap.poll()
    except imap.MailboxError as problem:
        _fail(f"foidesk mail-poll: {problem}")
    print(f"{fetched} message(s) fetched")
    return 0


def import_eml(args):
    _setup_django()
    from foidesk.intake import services as intake

    for name in args.files:
        path = Path(name)
        if not path.is_file():
            _usage_error("foidesk import-eml")(f"{name} is not a file")
        message = intake.receive(path.read_bytes(), "file")
        where = f" ({message.request.reference})" if message.request else ""
        print(f"{name}: {message.get_outcome_display()}{where}")
    return 0


def token(args):
    _setup_django()
    from foidesk.api import tokens

    try:
        print(tokens.create(args.username, args.name))
    except tokens.TokenError as problem:
        _usage_error("foidesk token create")(str(problem))
    return 0


def manage(args):
    _setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["foidesk manage", *args])
    return 0


def demo(args):
    from foidesk.config.environment import data_dir as configured_data_dir
    from foidesk.config.generated import secret_in

    data_dir = configured_data_dir(os.environ, Path.cwd())
    data_dir.mkdir(parents=True, exist_ok=True)
    secret_in(data_dir / DEMO_KEY, 50)
    (data_dir / DEMO_MARKER).write_text(
        f"This folder holds foidesk's demo. Its secret key is in {DEMO_KEY}: foidesk's "
        "commands (all but serve) run in this folder use it when SECRET_KEY is not set.\n"
    )
    os.environ.setdefault("ALLOWED_HOSTS", ",".join(_hosts_for(args.host)))
    # Each task the worker runs is logged at INFO: the demo's first minute would push the
    # sign-in details off the screen. Failures are still shown.
    os.environ.setdefault("TASK_LOG_LEVEL", "WARNING")
    _setup_django()

    from foidesk import demo as demo_data

    _prepare(migrate=True)
    password = demo_data.password_in(data_dir)
    demo_data.load(password)
    if not args.load_only:
        from foidesk import worker as background

        background.start_in_background()
        print("Reminder emails are sent each day at 08:00 by a worker in this process.")
    url = f"http://{_url_host(args.host)}:{args.port}/"
    print(f"\nThe demo is set up in {data_dir}.")
    print(f"Open {url} and sign in at {url}account/sign-in/ as one of:")
    for username in demo_data.USERS:
        print(f"  {username}")
    print(f"Password for each: {password}")
    print(
        "Commands run in this folder use the demo's settings, for example: "
        "uv run foidesk token create officer\n",
        flush=True,
    )
    if args.load_only:
        return 0
    return _serve(args)


def serve(args):
    _setup_django(demo_settings=False)
    from django.conf import settings

    if settings.DEBUG:
        _fail(
            "DEBUG is on. foidesk serve runs in production, where DEBUG would show "
            "internal details to the public. Unset DEBUG (or set it to false) and run again."
        )
    _prepare(migrate=not args.no_migrate)
    return _serve(args)


def _prepare(migrate):
    from django.conf import settings
    from django.core.management import call_command

    from foidesk import assets

    try:
        assets.build(settings.PROJECT_DIR)
    except assets.AssetsError as problem:
        _fail(str(problem))
    if migrate:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
    assets.collect()


def _serve(args):
    import waitress

    from foidesk.config.wsgi import application

    proxy = os.environ.get("FOIDESK_TRUSTED_PROXY", "").strip()
    proxy_options = {}
    if proxy:
        proxy_options = {
            "trusted_proxy": proxy,
            "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"},
            "clear_untrusted_proxy_headers": True,
        }
    print(f"Serving on http://{_url_host(args.host)}:{args.port}/ (Ctrl+C stops)", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        waitress.serve(
            application,
            host=args.host,
            port=args.port,
            threads=args.threads,
            ident="foidesk",
            **proxy_options,
        )
    return 0


# What ``foidesk demo`` leaves in its data folder: its key, and a note saying it is a demo's.
DEMO_KEY = "secret_key"
DEMO_MARKER = "DEMO"


def _setup_django(demo_settings=True):
    """Set Django up; in a demo's data folder with no SECRET_KEY given, with the demo's key
    (so that ``foidesk token create`` works after ``foidesk demo``). ``serve`` never does:
    production refuses to start without a key of its own."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    if demo_settings and not os.environ.get("SECRET_KEY"):
        from foidesk.config.environment import data_dir as configured_data_dir

        data_dir = configured_data_dir(os.environ, Path.cwd())
        if (data_dir / DEMO_MARKER).is_file() and (data_dir / DEMO_KEY).is_file():
            os.environ["SECRET_KEY"] = (data_dir / DEMO_KEY).read_text().strip()
            # The demo serves plain HTTP on this machine, so cookies cannot be marked secure.
            os.environ.setdefault("FOIDESK_HTTPS", "false")
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as problem:
        _fail(f"foidesk cannot start: {problem}")


def _hosts_for(host):
    if host in ANY_ADDRESS or host in LOOPBACK_HOSTS:
        return LOOPBACK_HOSTS
    return [*LOOPBACK_HOSTS, host]


def _url_host(host):
    if host in ANY_ADDRESS:
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def _fail(message):
    print(message, file=sys.stderr)
    raise SystemExit(1)


if __name__ == "__main__":
    sys.exit(main())
