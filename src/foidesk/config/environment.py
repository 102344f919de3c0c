"""Settings read from the environment, one function per concern.

Each function takes the environment as a mapping so that it can be tested without
reloading Django's settings. A value that cannot be understood stops start-up with a
message naming the variable and what it should hold.
"""

import importlib.util
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}

# How long a writer waits for SQLite's lock before giving up, in seconds.
SQLITE_BUSY_TIMEOUT = 20


def flag(env, name, default=False):
    """A true/false variable; anything else is a mistake worth stopping for."""
    raw = env.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def words(env, name, default=()):
    """A comma-separated list, e.g. ALLOWED_HOSTS=foi.example.gov.uk,localhost."""
    raw = env.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def number(env, name, default):
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def data_dir(env, cwd):
    """Where foidesk keeps its files: the SQLite database, uploads, collected assets."""
    return (cwd / env.get("FOIDESK_DATA_DIR", "var")).resolve()


def databases(env, data_dir):
    """PostgreSQL when DATABASE_URL is set, otherwise SQLite in the data folder.

    SQLite runs in WAL mode so that readers never wait for a writer, and takes its write
    lock when a transaction starts (IMMEDIATE) so that two writers queue on the busy
    timeout instead of failing part-way through.
    """
    url = env.get("DATABASE_URL", "").strip()
    if url:
        if not url.startswith(("postgres://", "postgresql://")):
            raise ImproperlyConfigured(
                "DATABASE_URL must be a PostgreSQL URL such as "
                "postgresql://foidesk:password@db.example.internal:5432/foidesk; "
                "leave it unset to use SQLite."
            )
        return {"default": dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)}
    return {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": Path(data_dir) / "foidesk.sqlite3",
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": SQLITE_BUSY_TIMEOUT,
            },
        }
    }


def file_storage(env, data_dir):
    """Where stored files are kept: the data folder's files/ by default, or an S3-compatible
    bucket with FOIDESK_STORAGE=s3 (through django-storages, foidesk's ``s3`` extra).

    Without FOIDESK_S3_ACCESS_KEY_ID and FOIDESK_S3_SECRET_ACCESS_KEY, boto3 finds its own
    credentials (AWS_* variables, a profile, an instance role).
    """
    raw = env.get("FOIDESK_STORAGE", "")
    kind = raw.strip().lower() or "folder"
    if kind == "folder":
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": Path(data_dir) / "files"},
        }
    if kind != "s3":
        raise ImproperlyConfigured(f"FOIDESK_STORAGE must be folder or s3, not {raw!r}.")
    if not all(importlib.util.find_spec(package) for package in ("storages", "boto3")):
        raise ImproperlyConfigured(
            "FOIDESK_STORAGE=s3 needs django-storages and boto3, which are not installed: install "
            "foidesk with its s3 extra (uv sync --frozen --extra s3, or pip install 'foidesk[s3]')."
        )
    bucket = env.get("FOIDESK_S3_BUCKET", "").strip()
    if not bucket:
        raise ImproperlyConfigured(
            "FOIDESK_STORAGE=s3 needs FOIDESK_S3_BUCKET, the name of the bucket files are kept in."
        )
    # A file is never replaced by another of the same name: what was sent is kept as it went.
    options = {"bucket_name": bucket, "file_overwrite": False}
    endpoint = env.get("FOIDESK_S3_ENDPOINT_URL", "").strip()
    if endpoint:
        if not endpoint.startswith(("https://", "http://")):
            raise ImproperlyConfigured(
                "FOIDESK_S3_ENDPOINT_URL must be a URL such as https://s3.example.internal, "
                f"not {endpoint!r}; leave it unset for Amazon S3."
            )
        options["endpoint_url"] = endpoint
    region = env.get("FOIDESK_S3_REGION", "").strip()
    if region:
        options["region_name"] = region
    access_key = env.get("FOIDESK_S3_ACCESS_KEY_ID", "").strip()
    secret_key = env.get("FOIDESK_S3_SECRET_ACCESS_KEY", "").strip()
    if bool(access_key) != bool(secret_key):
        raise ImproperlyConfigured(
            "FOIDESK_S3_ACCESS_KEY_ID and FOIDESK_S3_SECRET_ACCESS_KEY go together: set both, "
            "or neither for boto3 to find its own credentials."
        )
    if access_key:
        options["access_key"] = access_key
        options["secret_key"] = secret_key
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


def mailers(env, data_dir):
    """Outgoing mail: SMTP when EMAIL_HOST is set, otherwise files in the data folder.

    The variable names are Django's long-standing EMAIL_* ones, mapped onto MAILERS.
    """
    host = env.get("EMAIL_HOST", "").strip()
    if not host:
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "OPTIONS": {"file_path": str(Path(data_dir) / "outbox")},
            }
        }
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": host,
                "port": number(env, "EMAIL_PORT", None),
                "username": env.get("EMAIL_HOST_USER", ""),
                "password": env.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": flag(env, "EMAIL_USE_TLS"),
                "timeout": 30,
            },
        }
    }


def imap(env):
    """The IMAP mailbox requests may be fetched from (empty host: none)."""
    return {
        "host": env.get("FOIDESK_IMAP_HOST", "").strip(),
        "port": number(env, "FOIDESK_IMAP_PORT", 993),
        "user": env.get("FOIDESK_IMAP_USER", ""),
        "password": env.get("FOIDESK_IMAP_PASSWORD", ""),
        "folder": env.get("FOIDESK_IMAP_FOLDER", "INBOX"),
        "processed_folder": env.get("FOIDESK_IMAP_PROCESSED_FOLDER", "foidesk-processed"),
    }
