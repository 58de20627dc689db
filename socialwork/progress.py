"""A background task's progress, stored in the result backend so any page can show it.

A task reports with `report_progress(self, current=..., total=...)` (bind=True); a page polls
`/tasks/<id>/` (JSON, or an htmx progress bar that stops polling when the task is done).
"""

from celery.result import AsyncResult
from django.http import JsonResponse
from django.shortcuts import render

PROGRESS = "PROGRESS"


def report_progress(task, *, current: int, total: int) -> None:
    task.update_state(state=PROGRESS, meta={"current": current, "total": total})


def task_state(task_id: str) -> dict:
    result = AsyncResult(task_id)
    info = result.info if isinstance(result.info, dict) else {}
    current, total = info.get("current", 0), info.get("total", 0)
    if result.successful():
        percent = 100
    elif total:
        percent = min(100, round(100 * current / total))
    else:
        percent = 0
    return {
        "id": task_id,
        "state": result.state,
        "ready": result.ready(),
        "failed": result.failed(),
        "current": current,
        "total": total,
        "percent": percent,
    }


def task_progress(request, task_id):
    state = task_state(str(task_id))
    if request.htmx:
        return render(request, "partials/task_progress.html", {"task": state})
    return JsonResponse(state)
