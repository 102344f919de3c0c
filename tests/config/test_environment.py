"""Settings come from the environment; a value that makes no sense stops start-up clearly."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper

from foidesk.config import environment


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("1", True), ("No", False)])
def test_flag_reads_true_and_false(raw, expected):
    assert environment.flag({"DEBUG": raw}, "DEBUG") is expected


def test_flag_refuses_anything_else():
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be true or false, not 'maybe'"):
        environment.flag({"DEBUG": "maybe"}, "DEBUG")


def test_words_split_on_commas():
    env = {"ALLOWED_HOSTS": " foi.barnet.gov.uk, localhost ,"}
    assert environment.words(env, "ALLOWED_HOSTS") == ["foi.barnet.gov.uk", "localhost"]


def test_number_refuses_words():
    with pytest.raises(ImproperlyConfigured, match="EMAIL_PORT must be a whole number"):
        environment.number({"EMAIL_PORT": "twenty-five"}, "EMAIL_PORT", 25)


def test_data_dir_defaults_to_var_in_the_working_folder(tmp_path):
    assert environment.data_dir({}, tmp_path) == tmp_path / "var"
    assert environment.data_dir({"FOIDESK_DATA_DIR": "/srv/foi"}, tmp_path).as_posix() == (
        "/srv/foi"
    )


def test_sqlite_is_the_default_in_wal_mode_with_a_busy_timeout(tmp_path, django_db_blocker):
    config = environment.databases({}, tmp_path)["default"]
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == tmp_path / "foidesk.sqlite3"

    wrapper = DatabaseWrapper({**config, **_wrapper_defaults()}, alias="probe")
    with django_db_blocker.unblock(), wrapper.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == environment.SQLITE_BUSY_TIMEOUT * 1000
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 1  # NORMAL: safe in WAL mode, and faster
    wrapper.close()


def test_database_url_selects_postgresql():
    config = environment.databases(
        {"DATABASE_URL": "postgresql://foidesk:secret@db.internal:5433/foi"}, "/unused"
    )["default"]
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.internal", 5433, "foi")
    assert config["USER"] == "foidesk"
    assert config["CONN_HEALTH_CHECKS"] is True


def test_database_url_for_another_database_is_refused():
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL must be a PostgreSQL URL"):
        environment.databases({"DATABASE_URL": "mysql://root@localhost/foi"}, "/unused")


@pytest.mark.django_db
def test_the_suite_runs_on_the_database_the_environment_names():
    expected = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    assert connection.vendor == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_email_settings_map_onto_an_smtp_mailer():
    env = {
        "EMAIL_HOST": "smtp.barnet.gov.uk",
        "EMAIL_PORT": "587",
        "EMAIL_HOST_USER": "foi",
        "EMAIL_HOST_PASSWORD": "pw",
        "EMAIL_USE_TLS": "true",
    }
    mailer = environment.mailers(env, "/unused")["default"]
    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert mailer["OPTIONS"] == {
        "host": "smtp.barnet.gov.uk",
        "port": 587,
        "username": "foi",
        "password": "pw",
        "use_tls": True,
        "timeout": 30,
    }


def test_without_an_email_host_mail_is_kept_as_files(tmp_path):
    mailer = environment.mailers({}, tmp_path)["default"]
    assert mailer["BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert mailer["OPTIONS"]["file_path"] == str(tmp_path / "outbox")


def test_settings_refuse_to_load_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env["FOIDESK_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", "import foidesk.config.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def _wrapper_defaults():
    return {
        "ATOMIC_REQUESTS": False,
        "AUTOCOMMIT": True,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "TIME_ZONE": None,
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "TEST": {},
    }
