"""Celery entry points (production). The embedded default uses `manage.py run_sweeps --loop`."""

from celery import shared_task

from quanzi.core.sweeps import run_sweeps as _run_sweeps


@shared_task(name="quanzi.core.tasks.run_sweeps")
def run_sweeps() -> dict[str, int]:
    return _run_sweeps()
