"""/api/v1/inbox/: a person reads and marks their own notifications, never another's."""

import pytest
from django.utils import timezone

from socialwork.models import Notification


@pytest.fixture
def inboxes(district_admin, auditor):
    mine = [
        Notification.objects.create(user=district_admin, kind="k", key=f"mine-{i}", title=f"通知{i}")
        for i in range(3)
    ]
    theirs = Notification.objects.create(user=auditor, kind="k", key="theirs", title="别人的")
    return mine, theirs


def test_the_inbox_lists_only_the_persons_own_notifications(api, inboxes, district_admin):
    mine, _theirs = inboxes
    mine[0].read_at = timezone.now()
    mine[0].save()
    client = api(district_admin)
    assert {n["id"] for n in client.get("/api/v1/inbox/").data["results"]} == {n.pk for n in mine}
    unread = client.get("/api/v1/inbox/?unread=true").data["results"]
    assert {n["id"] for n in unread} == {mine[1].pk, mine[2].pk}


def test_a_notification_is_marked_read_by_its_owner_only(api, inboxes, district_admin):
    mine, theirs = inboxes
    client = api(district_admin)
    assert client.post(f"/api/v1/inbox/{mine[0].pk}/read/").data["read"] is True
    assert client.post(f"/api/v1/inbox/{theirs.pk}/read/").status_code == 404
    assert client.get(f"/api/v1/inbox/{theirs.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_read_all_marks_only_the_persons_own_notifications(api, inboxes, district_admin):
    mine, theirs = inboxes
    assert api(district_admin).post("/api/v1/inbox/read-all/").data == {"marked": 3}
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert Notification.objects.filter(user=district_admin, read_at__isnull=True).count() == 0
