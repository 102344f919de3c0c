"""Settings come from the environment; a value that makes no sense stops start-up clearly."""

import os
import re
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.utils.module_loading import import_string

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


def test_files_are_kept_in_the_data_folder_by_default(tmp_path):
    storage = environment.file_storage({}, tmp_path)
    assert storage == {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tmp_path / "files"},
    }
    assert environment.file_storage({"FOIDESK_STORAGE": "folder"}, tmp_path) == storage


S3 = {
    "FOIDESK_STORAGE": "s3",
    "FOIDESK_S3_BUCKET": "barnet-foi-files",
    "FOIDESK_S3_ENDPOINT_URL": "https://s3.barnet.internal",
    "FOIDESK_S3_REGION": "eu-west-2",
    "FOIDESK_S3_ACCESS_KEY_ID": "foidesk",
    "FOIDESK_S3_SECRET_ACCESS_KEY": "secret",
}


def test_s3_storage_is_a_bucket_through_django_storages():
    storage = environment.file_storage(S3, "/unused")
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"] == {
        "bucket_name": "barnet-foi-files",
        "file_overwrite": False,
        "endpoint_url": "https://s3.barnet.internal",
        "region_name": "eu-west-2",
        "access_key": "foidesk",
        "secret_key": "secret",
    }
    # django-storages refuses an option it does not know; making one reaches no server.
    bucket = import_string(storage["BACKEND"])(**storage["OPTIONS"])
    assert (bucket.bucket_name, bucket.file_overwrite) == ("barnet-foi-files", False)


def test_s3_storage_without_keys_leaves_boto3_to_find_its_credentials():
    env = {"FOIDESK_STORAGE": "s3", "FOIDESK_S3_BUCKET": "barnet-foi-files"}
    assert environment.file_storage(env, "/unused")["OPTIONS"] == {
        "bucket_name": "barnet-foi-files",
        "file_overwrite": False,
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"FOIDESK_STORAGE": "disk"}, "FOIDESK_STORAGE must be folder or s3, not 'disk'"),
        ({"FOIDESK_S3_BUCKET": " "}, "FOIDESK_STORAGE=s3 needs FOIDESK_S3_BUCKET"),
        ({"FOIDESK_S3_SECRET_ACCESS_KEY": ""}, "FOIDESK_S3_ACCESS_KEY_ID and FOIDESK_S3_SECRET"),
        ({"FOIDESK_S3_ENDPOINT_URL": "s3.barnet.internal"}, "FOIDESK_S3_ENDPOINT_URL must be"),
    ],
)
def test_s3_storage_refuses_settings_it_cannot_use(change, message):
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        environment.file_storage({**S3, **change}, "/unused")


@pytest.mark.parametrize("package", ["storages", "boto3"])
def test_s3_storage_without_its_packages_says_how_to_install_them(package, monkeypatch):
    monkeypatch.setitem(sys.modules, package, None)  # as if it were not installed
    with pytest.raises(ImproperlyConfigured, match=r"install foidesk with its s3 extra"):
        environment.file_storage(S3, "/unused")


def test_settings_refuse_to_load_with_s3_storage_and_no_bucket(tmp_path):
    env = {**os.environ, "FOIDESK_DATA_DIR": str(tmp_path), "FOIDESK_STORAGE": "s3"}
    env.pop("FOIDESK_S3_BUCKET", None)
    result = subprocess.run(
        [sys.executable, "-c", "import foidesk.config.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "FOIDESK_STORAGE=s3 needs FOIDESK_S3_BUCKET" in result.stderr


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
