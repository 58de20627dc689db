"""The words of the third-party apps we ship that their own catalogues leave in English in Chinese
(django-axes has no Chinese, django-celery-results ships no compiled catalogue, django-celery-beat
and Django's admin miss a few).

Listed here with `gettext_noop` so that `makemessages` puts them in our catalogue, which
`LOCALE_PATHS` puts before every app's own: the admin then reads them in Chinese. Nothing imports
this module. A word already in our catalogue with another meaning cannot be listed here (its
translation would stay ours): the app's field is given a context instead (`socialwork/admin.py`).
`tests/socialwork/test_admin_words.py` fails on any word of these apps the admin shows in English.
"""

from django.utils.translation import gettext_noop as _

DJANGO_ADMIN = (
    # The index's table headings, read by screen readers (new in Django 5.1).
    _("Model name"),
    _("Add link"),
    _("Change or view list link"),
)

DJANGO_AXES = (
    _("access attempt"),
    _("access attempts"),
    _("access log"),
    _("access logs"),
    _("access failure"),
    _("access failures"),
    _("access attempt expiration"),
    _("User Agent"),
    _("IP Address"),
    _("HTTP Accept"),
    _("Path"),
    _("Attempt Time"),
    _("GET Data"),
    _("POST Data"),
    _("Failed Logins"),
    _("Logout Time"),
    _("Session key hash (sha256)"),
    _("Access lock out"),
    _("Form Data"),
    _("Meta Data"),
    _("Locked Out"),
    _("Attempt Remaining"),
    _("Not set"),
    _("Clean up expired attempts"),
)

DJANGO_CELERY_RESULTS = (
    _("Celery Results"),
    _("task result"),
    _("task results"),
    _("group result"),
    _("group results"),
    _("Task ID"),
    _("Celery ID for the Task that was run"),
    _("Periodic Task Name"),
    _("Name of the Periodic Task which was run"),
    _("Task Name"),
    _("Name of the Task which was run"),
    _("Task Positional Arguments"),
    _("JSON representation of the positional arguments used with the task"),
    _("Task Named Arguments"),
    _("JSON representation of the named arguments used with the task"),
    _("Task State"),
    _("Current state of the task being run"),
    _("Worker that executes the task"),
    _("Result Content Type"),
    _("Content type of the result data"),
    _("Result Encoding"),
    _("The encoding used to save the task result data"),
    _("Result Data"),
    _("The data returned by the task.  Use content_encoding and content_type fields to read."),
    _("Created DateTime"),
    _("Datetime field when the task result was created in UTC"),
    _("Started DateTime"),
    _("Datetime field when the task was started in UTC"),
    _("Completed DateTime"),
    _("Datetime field when the task was completed in UTC"),
    _("Traceback"),
    _("Text of the traceback if the task generated one"),
    _("Task Meta Information"),
    _("JSON meta information about the task, such as information on child tasks"),
    _("Group ID"),
    _("Celery ID for the Group that was run"),
    _("Datetime field when the group result was created in UTC"),
    _("Datetime field when the group was completed in UTC"),
    _("Parameters"),
)

DJANGO_CELERY_BEAT = (
    _('Cron Months (1-12) Of The Year to Run. Use "*" for "all". (Example: "1,12")'),
    _('Cron Days Of The Week to Run. Use "*" for "all", Sunday is 0 or 7, Monday is 1. (Example: "0,5")'),
)
