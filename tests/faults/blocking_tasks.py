"""A task for tests/faults/test_worker_killed.py, imported by the workers it starts (`--include`):
its first run blocks until its worker is killed; a later run (the redelivery) finishes at once.
Runs are told apart by marker files in a folder the test names."""

import os
import time
from pathlib import Path

from celery import shared_task


@shared_task(name="tests.faults.block_once", acks_late=True, reject_on_worker_lost=True)
def block_once(folder: str) -> str:
    started = Path(folder) / "started"
    if not started.exists():
        started.write_text(str(os.getpid()))
        time.sleep(3600)
    (Path(folder) / "finished").write_text(str(os.getpid()))
    return "finished"
