"""The worker that runs queued background tasks, such as the daily reminder emails.

Tasks wait in the database (django-tasks-db). ``foidesk worker`` runs its worker as a
process of its own, one or more beside ``foidesk serve``; ``--batch`` runs what is due now
and exits, for a scheduler such as cron. ``foidesk demo`` has only the one process, so it
runs the same worker loop in a thread beside the web server instead.

Either way the daily reminder run is queued first: a new installation sends reminders
without anyone having to queue them, and queuing again never makes a second one.
"""

import threading

from django.core.management import call_command
from django.db import connections
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from foidesk.casework import reminders

# How long an idle worker waits before looking for due tasks again.
POLL_SECONDS = 1


def run(batch=False):
    """Run queued tasks until stopped (Ctrl+C, SIGTERM), or with ``batch`` until none is due."""
    reminders.ensure_scheduled()
    call_command(
        "db_worker",
        batch=batch,
        # Reloading on code changes is for development, never for a worker in service.
        reload=False,
        # The random pause spreads out many workers starting at once; one batch has no need.
        startup_delay=not batch,
        interval=POLL_SECONDS,
    )
    return 0


class BackgroundWorker(threading.Thread):
    """django-tasks-db's worker loop in a daemon thread, which ends with the process.

    Its ``db_worker`` command installs signal handlers, which Python allows only in the
    main thread; here the web server keeps Ctrl+C, and ``stop()`` ends the loop.
    """

    def __init__(self):
        super().__init__(name="foidesk-worker", daemon=True)
        self.worker = Worker(
            queue_names=[DEFAULT_TASK_QUEUE_NAME],
            interval=POLL_SECONDS,
            batch=False,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )

    def run(self):
        try:
            self.worker.run()
        finally:
            # Database connections belong to the thread that opened them.
            connections.close_all()

    def stop(self, timeout=10):
        """Finish the task in hand, if any, then end the loop."""
        self.worker.running = False
        self.join(timeout)


def start_in_background():
    """Queue the daily reminders and start a worker thread in this process; return it."""
    reminders.ensure_scheduled()
    thread = BackgroundWorker()
    thread.start()
    return thread
