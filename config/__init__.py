# The Celery app is created with Django (the standard Django + Celery layout), so `shared_task`s
# bind to it: with no broker configured, CELERY_TASK_ALWAYS_EAGER runs them in-process.
from .celery import app as celery_app

__all__ = ["celery_app"]
