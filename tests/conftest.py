import os
from urllib.parse import urlsplit, urlunsplit
from uuid import uuid4

import hypothesis
import psycopg
import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command

from foidesk import assets
from foidesk.accounts.models import User
from foidesk.accounts.roles import Role
from foidesk.casework.models import Authority, ServiceArea
from foidesk.similar import services as similar_requests

PASSWORD = "correct-horse-battery-staple"

# Property tests check what is found, not how fast: on a busy machine (CI beside other
# work) an example can take longer than hypothesis's default 200 ms deadline.
hypothesis.settings.register_profile("foidesk", deadline=None)
hypothesis.settings.load_profile("foidesk")


@pytest.fixture(scope="session", autouse=True)
def frontend_assets():
    """Pages link to hashed asset names, so the assets are built and collected first."""
    assets.build(settings.PROJECT_DIR, report=lambda message: None)
    call_command("collectstatic", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def own_similarity_index(settings, tmp_path):
    """A similarity index of the test's own: a saved one would outlive the test's database."""
    settings.DATA_DIR = tmp_path / "data"
    similar_requests.forget()
    yield
    similar_requests.forget()


@pytest.fixture
def authority(db):
    return Authority.objects.create(
        name="London Borough of Barnet",
        postal_address="2 Bristol Avenue, Colindale, London NW9 4EW",
        email="foi@barnet.gov.uk",
    )


@pytest.fixture
def make_user(db):
    def make(username, *roles, service_areas=()):
        user = User.objects.create_user(username=username, password=PASSWORD)
        user.groups.add(*Group.objects.filter(name__in=roles))
        for name in service_areas:
            user.service_areas.add(ServiceArea.objects.get_or_create(name=name)[0])
        return user

    return make


@pytest.fixture
def officer(make_user):
    return make_user("officer", Role.OFFICER)


@pytest.fixture
def scratch_database_url():
    """A fresh, empty database for a process the test starts: None means SQLite.

    On PostgreSQL (DATABASE_URL set) a database is created beside the test database and
    dropped afterwards, so the process under test never touches the suite's own.
    """
    url = os.environ.get("DATABASE_URL")
    if not url:
        yield None
        return
    name = f"foidesk_scratch_{uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as server:
        server.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(url, autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
