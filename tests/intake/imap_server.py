"""A small IMAP4rev1 server over TLS, for tests only: what imaplib and imap_tools use when
``foidesk.intake.imap.poll()`` logs in, finds, fetches and files messages.

It is not a mail server. There is one user; folders live in memory behind one lock; each
connection gets a thread (socketserver). Commands are read as imaplib writes them, so
arguments are atoms, quoted strings or one parenthesised list, never literals. Anything
else is answered BAD, so a change in what poll() asks of a server shows up as a failing
test rather than passing against a server more lenient than real ones.
"""

import contextlib
import re
import secrets
import socketserver
import ssl
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

DELIMITER = "/"
SYSTEM_FLAGS = r"\Answered \Flagged \Deleted \Seen \Draft"
# Longer than any command poll() sends; a longer line is a client gone wrong.
MAX_LINE = 64 * 1024

COMMAND = re.compile(r"(?P<tag>[A-Za-z0-9.]+) (?P<name>[A-Za-z]+)(?: (?P<rest>.*))?")
# An argument: "quoted string", (list, possibly holding one level of nested lists), or atom.
ARGUMENT = re.compile(r'"((?:[^"\\]|\\.)*)"|(\((?:[^()]|\([^()]*\))*\))|([^\s()"]+)')


def make_certificate(folder):
    """A throwaway self-signed certificate for 127.0.0.1: (certificate, key) paths.

    The IP address goes in subjectAltName too, because Python checks an IP address only
    against that, never against the common name.
    """
    certificate, key = Path(folder) / "imap-cert.pem", Path(folder) / "imap-key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"),
            *("-keyout", str(key), "-out", str(certificate)),
        ],
        check=True,
        capture_output=True,
    )
    return certificate, key


@dataclass
class Message:
    uid: int
    raw: bytes
    flags: set = field(default_factory=set)


@dataclass
class Folder:
    uidvalidity: int
    uidnext: int = 1
    messages: list = field(default_factory=list)  # in order: a message's index + 1 is its number

    def add(self, raw, flags=()):
        message = Message(self.uidnext, bytes(raw), set(flags))
        self.uidnext += 1
        self.messages.append(message)
        return message


class Mailbox:
    """One user's folders, shared by every connection, and what the tests use to look."""

    def __init__(self, user, password, *, move=True):
        self.user, self.password = user, password
        # Without MOVE, imap_tools moves by UID COPY, UID STORE +FLAGS (\Deleted), EXPUNGE.
        self.capabilities = "IMAP4rev1 UIDPLUS" + (" MOVE" if move else "")
        self.lock = threading.RLock()
        self.folders = {"INBOX": Folder(uidvalidity=1)}
        self.commands = []  # each command's name ("UID MOVE"), in order, for tests to check
        self.connections = 0  # open now: a client that never logs out or closes stays counted

    def put(self, raw, folder="INBOX", flags=()):
        """Deliver ``raw`` into ``folder``; its UID."""
        with self.lock:
            return self.folders[folder].add(raw, flags).uid

    def messages(self, folder="INBOX"):
        """The bytes of each message in ``folder``, oldest first ([] if there is no folder)."""
        with self.lock:
            found = self.folders.get(folder)
            return [message.raw for message in found.messages] if found else []

    def wait_for_no_connections(self, seconds=5):
        """Whether every client has hung up within ``seconds``."""
        deadline = time.monotonic() + seconds
        while self.connections and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.connections == 0

    def flags(self, folder="INBOX"):
        with self.lock:
            return [set(message.flags) for message in self.folders[folder].messages]


class Refused(Exception):
    """Ends a command with NO (``bad=False``) or BAD; the text follows the status."""

    def __init__(self, text, bad=False):
        super().__init__(text)
        self.status = "BAD" if bad else "NO"


class Session(socketserver.StreamRequestHandler):
    """One client connection, from greeting to LOGOUT."""

    timeout = 30  # a client that stops talking frees its thread

    def setup(self):
        self.mailbox = self.server.mailbox
        with self.mailbox.lock:
            self.mailbox.connections += 1
        super().setup()

    def finish(self):
        with self.mailbox.lock:
            self.mailbox.connections -= 1
        super().finish()

    def handle(self):
        # The handshake happens here, in this connection's thread, so that a client that
        # never completes it cannot hold up the server accepting others.
        self.request.do_handshake()
        self.user = None
        self.selected = None  # the selected folder's name
        self.send(f"* OK [CAPABILITY {self.mailbox.capabilities}] foidesk test IMAP ready")
        while True:
            line = self.rfile.readline(MAX_LINE)
            if not line:
                return
            if not line.endswith(b"\n"):
                self.send("* BAD line too long")
                return
            if not self.command(line.decode("utf-8", "surrogateescape").rstrip("\r\n")):
                return

    def send(self, line):
        if isinstance(line, str):
            line = line.encode("utf-8", "surrogateescape")  # as the line was read
        self.wfile.write(line + b"\r\n")

    def command(self, line):
        """Carry out one command line; False once the connection should close."""
        parsed = COMMAND.fullmatch(line)
        if parsed is None:
            self.send("* BAD not an IMAP command")
            return True
        tag, name = parsed["tag"], parsed["name"].upper()
        with self.mailbox.lock:
            try:
                arguments = split(parsed["rest"] or "")
                if name == "UID" and arguments:
                    name = f"UID {arguments.pop(0).upper()}"
                self.mailbox.commands.append(name)
                handler = getattr(self, "do_" + name.replace(" ", "_"), None)
                if handler is None:
                    raise Refused(f"{name} is not supported here", bad=True)
                self.check_state(name)
                done = handler(*arguments)
            except Refused as refused:
                self.send(f"{tag} {refused.status} {refused}")
                return True
            except (TypeError, ValueError) as wrong:  # wrong number or form of arguments
                self.send(f"{tag} BAD {name}: {wrong}")
                return True
        self.send(f"{tag} OK {done or name + ' completed'}")
        return name != "LOGOUT"

    def check_state(self, name):
        if name in {"CAPABILITY", "NOOP", "LOGOUT", "LOGIN"}:
            return
        if self.user is None:
            raise Refused(f"{name} needs LOGIN first", bad=True)
        if (name.startswith("UID ") or name == "EXPUNGE") and self.selected is None:
            raise Refused(f"{name} needs a folder selected", bad=True)

    # Any state

    def do_CAPABILITY(self):
        self.send(f"* CAPABILITY {self.mailbox.capabilities}")

    def do_NOOP(self):
        pass

    def do_LOGOUT(self):
        self.send("* BYE logging out")

    def do_LOGIN(self, user, password):
        if (user, password) != (self.mailbox.user, self.mailbox.password):
            raise Refused("[AUTHENTICATIONFAILED] Invalid credentials")
        self.user = user
        return f"[CAPABILITY {self.mailbox.capabilities}] LOGIN completed"

    # Signed in

    def do_SELECT(self, name):
        return self.select(name, readonly=False)

    def do_EXAMINE(self, name):
        return self.select(name, readonly=True)

    def select(self, name, readonly):
        self.selected = None  # a failed SELECT leaves nothing selected (RFC 3501 6.3.1)
        name = folder_name(name)
        folder = self.folder(name, "[NONEXISTENT] no such folder")
        self.send(f"* FLAGS ({SYSTEM_FLAGS})")
        self.send(f"* OK [PERMANENTFLAGS ({SYSTEM_FLAGS})] flags kept")
        self.send(f"* {len(folder.messages)} EXISTS")
        self.send("* 0 RECENT")
        self.send(f"* OK [UIDVALIDITY {folder.uidvalidity}] UIDs valid")
        self.send(f"* OK [UIDNEXT {folder.uidnext}] next UID")
        self.selected = name
        access = "READ-ONLY" if readonly else "READ-WRITE"
        return f"[{access}] {'EXAMINE' if readonly else 'SELECT'} completed"

    def do_LIST(self, reference, pattern):
        return self.listing(reference, pattern, "LIST")

    def do_LSUB(self, reference, pattern):
        # Every folder counts as subscribed: nothing here unsubscribes.
        return self.listing(reference, pattern, "LSUB")

    def listing(self, reference, pattern, response):
        if not pattern:  # LIST "" "" asks only for the hierarchy delimiter
            self.send(f'* {response} (\\Noselect) "{DELIMITER}" ""')
            return None
        wanted = re.compile(
            "".join(
                ".*" if c == "*" else f"[^{DELIMITER}]*" if c == "%" else re.escape(c)
                for c in reference + pattern
            )
        )
        for name in self.mailbox.folders:
            if wanted.fullmatch(name) or (name == "INBOX" and wanted.fullmatch("inbox")):
                self.send(f'* {response} (\\HasNoChildren) "{DELIMITER}" {quote(name)}')
        return None

    def do_CREATE(self, name):
        name = folder_name(name).rstrip(DELIMITER)
        if name in self.mailbox.folders:
            raise Refused("[ALREADYEXISTS] the folder exists")
        self.mailbox.folders[name] = Folder(uidvalidity=len(self.mailbox.folders) + 1)

    def do_STATUS(self, name, items):
        folder = self.folder(folder_name(name), "[NONEXISTENT] no such folder")
        values = {
            "MESSAGES": len(folder.messages),
            "RECENT": 0,
            "UIDNEXT": folder.uidnext,
            "UIDVALIDITY": folder.uidvalidity,
            "UNSEEN": sum("\\Seen" not in m.flags for m in folder.messages),
        }
        asked = items.strip("()").upper().split()
        if not set(asked) <= set(values):
            raise Refused(f"STATUS items are {', '.join(values)}", bad=True)
        shown = " ".join(f"{item} {values[item]}" for item in asked)
        self.send(f"* STATUS {quote(folder_name(name))} ({shown})")

    # With a folder selected

    def do_UID_SEARCH(self, *criteria):
        criteria = [word.upper() for word in criteria]
        if criteria[:1] == ["CHARSET"]:  # imap_tools names US-ASCII; all our criteria are
            criteria = criteria[2:]
        tests = {
            "ALL": lambda m: True,
            "UNSEEN": lambda m: "\\Seen" not in m.flags,
            "SEEN": lambda m: "\\Seen" in m.flags,
            "DELETED": lambda m: "\\Deleted" in m.flags,
            "UNDELETED": lambda m: "\\Deleted" not in m.flags,
        }
        if not criteria or not set(criteria) <= set(tests):
            raise Refused(f"SEARCH criteria here are {', '.join(tests)}", bad=True)
        found = [
            str(m.uid)
            for m in self.current().messages
            if all(tests[criterion](m) for criterion in criteria)
        ]
        self.send(" ".join(["* SEARCH", *found]))

    def do_UID_FETCH(self, uids, items):
        items = items.strip("()").upper().split()
        known = {"UID", "FLAGS", "RFC822.SIZE", "BODY[]", "BODY.PEEK[]", "RFC822"}
        if not items or not set(items) <= known:
            raise Refused(f"FETCH items here are {', '.join(sorted(known))}", bad=True)
        for number, message in self.matching(uids):
            if {"BODY[]", "RFC822"} & set(items):
                message.flags.add("\\Seen")  # reading the body marks it read; PEEK does not
            # UID comes first whether asked or not (RFC 3501 6.4.8); the body goes last, as
            # a literal: {length}, then exactly those bytes.
            parts = [f"UID {message.uid}"]
            if "FLAGS" in items:
                parts.append(f"FLAGS ({' '.join(sorted(message.flags))})")
            if "RFC822.SIZE" in items:
                parts.append(f"RFC822.SIZE {len(message.raw)}")
            body = next((i for i in items if i in {"BODY[]", "BODY.PEEK[]", "RFC822"}), None)
            head = f"* {number} FETCH ({' '.join(parts)}"
            if body is None:
                self.send(head + ")")
            else:
                label = "RFC822" if body == "RFC822" else "BODY[]"
                literal = f"{head} {label} {{{len(message.raw)}}}\r\n".encode()
                self.send(literal + message.raw + b")")

    def do_UID_STORE(self, uids, how, flags):
        how = how.upper()
        if how.removesuffix(".SILENT") not in {"FLAGS", "+FLAGS", "-FLAGS"}:
            raise Refused("STORE takes FLAGS, +FLAGS or -FLAGS", bad=True)
        flags = set(flags.strip("()").split())
        for number, message in self.matching(uids):
            if how.startswith("+"):
                message.flags |= flags
            elif how.startswith("-"):
                message.flags -= flags
            else:
                message.flags = set(flags)
            if not how.endswith(".SILENT"):
                shown = " ".join(sorted(message.flags))
                self.send(f"* {number} FETCH (UID {message.uid} FLAGS ({shown}))")

    def do_UID_COPY(self, uids, destination):
        return self.copy(uids, destination, "COPY")

    def do_UID_MOVE(self, uids, destination):
        if "MOVE" not in self.mailbox.capabilities.split():
            raise Refused("MOVE is not supported here", bad=True)
        return self.copy(uids, destination, "MOVE")

    def do_EXPUNGE(self):
        self.expunge(lambda message: "\\Deleted" in message.flags)

    # Helpers

    def copy(self, uids, destination, verb):
        target = self.folder(folder_name(destination), "[TRYCREATE] no such folder")
        moving = [message for _, message in self.matching(uids)]
        copies = [target.add(message.raw, message.flags - {"\\Deleted"}) for message in moving]
        code = "[COPYUID {} {} {}]".format(
            target.uidvalidity,
            ",".join(str(m.uid) for m in moving),
            ",".join(str(m.uid) for m in copies),
        )
        if verb == "COPY" or not moving:
            return f"{code} COPY completed" if moving else "COPY completed (nothing matched)"
        # MOVE says where the copies went before the EXPUNGEs, then completes (RFC 6851).
        self.send(f"* OK {code} moved")
        self.expunge(lambda message: message in moving)
        return "MOVE completed"

    def expunge(self, removed):
        """Remove messages from the selected folder, telling the client each one's number.
        Highest first, so that the numbers still to be sent do not shift."""
        messages = self.current().messages
        for index in reversed(range(len(messages))):
            if removed(messages[index]):
                del messages[index]
                self.send(f"* {index + 1} EXPUNGE")

    def folder(self, name, missing):
        found = self.mailbox.folders.get(name)
        if found is None:
            raise Refused(missing)
        return found

    def current(self):
        return self.mailbox.folders[self.selected]

    def matching(self, uid_set):
        """(message number, message) for each message of the selected folder in ``uid_set``
        (such as 4, 1:3,7 or 5:*), in folder order."""
        messages = self.current().messages
        largest = messages[-1].uid if messages else 0
        ranges = []
        for part in uid_set.split(","):
            first, _, last = part.partition(":")
            low, high = (largest if n == "*" else int(n) for n in (first, last or first))
            ranges.append((min(low, high), max(low, high)))
        return [
            (number, message)
            for number, message in enumerate(messages, start=1)
            if any(low <= message.uid <= high for low, high in ranges)
        ]


def split(text):
    """The arguments of a command line: quoted strings unquoted, lists kept whole."""
    arguments, position, text = [], 0, text.strip()
    while position < len(text):
        found = ARGUMENT.match(text, position)
        if found is None:
            raise Refused("cannot read the arguments (literals are not supported)", bad=True)
        quoted, group, atom = found.groups()
        if quoted is not None:
            arguments.append(re.sub(r"\\(.)", r"\1", quoted))
        else:
            arguments.append(group or atom)
        position = found.end()
        while position < len(text) and text[position] == " ":
            position += 1
    return arguments


def folder_name(name):
    """INBOX is case-insensitive (RFC 3501 5.1); every other name is as written."""
    return "INBOX" if name.upper() == "INBOX" else name


def quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True  # a connection left open never keeps the test run alive

    def __init__(self, address, context, mailbox):
        self.context, self.mailbox = context, mailbox
        super().__init__(address, Session)

    def get_request(self):
        connection, address = super().get_request()
        wrapped = self.context.wrap_socket(
            connection, server_side=True, do_handshake_on_connect=False
        )
        return wrapped, address

    def handle_error(self, request, client_address):
        # A client that hangs up, or rejects our certificate, is not the server's failure.
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


@dataclass
class Running:
    """A server being served: where it is, its mailbox, and a client context trusting it."""

    host: str
    port: int
    mailbox: Mailbox
    context: ssl.SSLContext  # for poll(context=...): trusts only the throwaway certificate

    def put(self, raw, folder="INBOX"):
        return self.mailbox.put(raw, folder)

    def messages(self, folder="INBOX"):
        return self.mailbox.messages(folder)


@contextlib.contextmanager
def serving(certificate, key, *, user="foi@barnet.gov.uk", password=None, move=True):
    """Serve a fresh mailbox over TLS on a free loopback port until the block ends."""
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(certificate, key)
    mailbox = Mailbox(user, password or secrets.token_urlsafe(12), move=move)
    server = Server(("127.0.0.1", 0), server_context, mailbox)  # port 0: the OS picks one
    thread = threading.Thread(target=server.serve_forever, name="imap-test-server", daemon=True)
    thread.start()
    try:
        host, port = server.server_address
        yield Running(host, port, mailbox, ssl.create_default_context(cafile=str(certificate)))
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
