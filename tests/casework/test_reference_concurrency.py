"""Two officers logging at the same moment get different references (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections, transaction

from foidesk.casework.models import ReferenceCounter

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite lets one writer in at a time; the PostgreSQL run of the suite tests this",
)
def test_two_connections_taking_a_number_at_once_get_different_numbers():
    """The first officer holds a number, uncommitted, while the second asks for one."""
    ReferenceCounter.objects.create(series="", next_number=1_000_000)
    first_has_a_number = threading.Event()
    taken, errors = {}, []

    def take(name):
        taken[name] = ReferenceCounter.allocate("{number}", 1, 2020, taken=lambda reference: False)

    def first():
        with transaction.atomic():
            take("first")
            first_has_a_number.set()
            # Without the row lock the second would read the same number meanwhile.
            threading.Event().wait(0.5)

    def second():
        first_has_a_number.wait(5)
        with transaction.atomic():
            take("second")

    def run(officer):
        try:
            officer()
        except Exception as problem:
            errors.append(problem)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(officer,)) for officer in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert taken == {"first": "1000000", "second": "1000001"}
