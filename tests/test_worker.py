"""The background worker: ``foidesk worker --batch`` as a process, and the demo's worker thread."""

import json
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from foidesk.accounts.roles import Role
from foidesk.casework import services
from foidesk.casework.reminders import send_reminders
from foidesk.worker import start_in_background
from tests.casework.test_reminders import log, today_is
from tests.mail import smtp_sink
from tests.processes import environment, run

LONDON = ZoneInfo("Europe/London")

QUEUE_A_RUN = (
    "from foidesk.casework.reminders import send_reminders; print(send_reminders.enqueue().id)"
)
LIST_RUNS = (
    "import json; from django_tasks_db.models import DBTaskResult; "
    "print(json.dumps([[str(r.id), r.status, r.run_after.isoformat(), r.return_value] "
    "for r in DBTaskResult.objects.order_by('enqueued_at')]))"
)


def test_worker_batch_runs_what_is_due_and_exits(tmp_path, scratch_database_url):
    env = environment(tmp_path, scratch_database_url, SECRET_KEY="worker-test-secret-key")
    migrated = run("manage", "migrate", env=env)
    assert migrated.returncode == 0, migrated.stderr
    queued = run("manage", "shell", "-c", QUEUE_A_RUN, env=env)
    assert queued.returncode == 0, queued.stderr
    run_id = queued.stdout.strip().splitlines()[-1]

    worker = run("worker", "--batch", env=env, timeout=60)

    assert worker.returncode == 0, worker.stderr
    listed = run("manage", "shell", "-c", LIST_RUNS, env=env)
    runs = json.loads(listed.stdout.strip().splitlines()[-1])
    statuses = {task_id: status for task_id, status, _, _ in runs}
    assert statuses.pop(run_id) == TaskResultStatus.SUCCESSFUL
    # What is left is the next daily run, not yet due, which the batch left alone.
    [(_, status, run_after, _)] = [entry for entry in runs if entry[0] != run_id]
    assert status == TaskResultStatus.READY
    run_after = datetime.fromisoformat(run_after).astimezone(LONDON)
    assert (run_after.hour, run_after.minute) == (8, 0)
    assert timedelta(0) < run_after - datetime.now(UTC) <= timedelta(days=1)


@pytest.mark.django_db(transaction=True)
def test_the_demos_worker_thread_runs_a_queued_reminder_run(
    authority, make_user, settings, time_machine
):
    today_is(time_machine, date(2020, 2, 17))  # the Monday after Fri 14 Feb
    officer = make_user("olu", Role.OFFICER)
    officer.email = "olu@barnet.example"
    officer.save()
    case = log(officer)
    services.assign(case, officer, officer)

    with smtp_sink(settings) as inbox:
        queued = send_reminders.enqueue()
        thread = start_in_background()
        try:
            _wait_until_finished(queued.id)
        finally:
            thread.stop()

    assert not thread.is_alive()
    queued.refresh()
    assert queued.status == TaskResultStatus.SUCCESSFUL
    assert queued.return_value == {"contributors": 0, "officers": 1}
    assert inbox.recipients() == ["olu@barnet.example"]
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert [run.run_after for run in waiting] == [datetime(2020, 2, 18, 8, tzinfo=UTC)]


def _wait_until_finished(task_id, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if DBTaskResult.objects.filter(pk=task_id).finished().exists():
            return
        time.sleep(0.1)
    pytest.fail(f"The worker thread did not run task {task_id} within {seconds} s")
