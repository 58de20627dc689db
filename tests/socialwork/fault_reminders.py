"""A slow reminder kind for the fault test, imported by the worker it starts (`--include`).

It reminds every active member of one group, one notification each, pausing after each so that
a worker can be killed in the middle of the run.
"""

import time

from django.contrib.auth import get_user_model

from socialwork.reminders import Reminder, reminder

KIND = "test_fault_slow"
GROUP = "reminder-fault-test"
PAUSE = 0.03  # seconds per reminder: 300 reminders take about ten seconds


@reminder(KIND, label="Fault test")
def fault_slow(day):
    people = get_user_model().objects.filter(groups__name=GROUP, is_active=True).order_by("pk")
    for person in people:
        time.sleep(PAUSE)
        yield Reminder(user=person, item="fault", title=f"Fault test {person.pk}")
