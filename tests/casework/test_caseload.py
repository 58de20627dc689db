"""The caseloads: each person's clients, kept by the services that change who holds a client and
read by the client lists in their own order."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casework import services
from casework.models import CaseloadEntry
from casework.services.caseload import caseload_rebuild
from tests.casework.factories import grant_access, make_case, make_client

pytestmark = pytest.mark.django_db


def entries() -> set[tuple[str, str]]:
    return set(CaseloadEntry.objects.values_list("person__username", "name"))


def assert_kept() -> set[tuple[str, str]]:
    """The entries the services kept are those a rebuild from the records gives."""
    kept = entries()
    caseload_rebuild()
    assert entries() == kept
    return kept


def listed(as_user, user) -> list[str]:
    page = as_user(user).get(reverse("casework:client_list"))
    return [client.name for client in page.context["page"]]


def test_every_write_that_changes_who_holds_a_client_keeps_the_caseloads(
    network, social_worker, colleague, station_manager, supervisor, other_worker
):
    waiting = make_client(social_worker, name="丙")
    assert assert_kept() == {("worker_a", "丙")}, "registered, no case yet"

    both = make_client(social_worker, name="甲")
    case = services.case_open(
        actor=social_worker, clients=[both, waiting], supervisor=supervisor,
        intake_on=timezone.localdate(), source="walk_in", presenting_problem="家庭困难",
    )  # fmt: skip
    assert assert_kept() == {(person, name) for person in ("worker_a", "supervisor") for name in ("甲", "丙")}

    services.case_assign(actor=station_manager, case=case, worker=colleague, supervisor=None)
    assert assert_kept() == {("worker_a2", "甲"), ("worker_a2", "丙")}

    services.client_update(actor=colleague, client=both, name="甲改")
    assert assert_kept() == {("worker_a2", "甲改"), ("worker_a2", "丙")}

    transfer = services.transfer_request(
        actor=colleague, case=case, to_station=network.station_b, to_worker=other_worker, reason="搬家"
    )
    assert assert_kept() == {("worker_a2", "甲改"), ("worker_a2", "丙")}, (
        "a pending transfer changes nobody's"
    )
    services.transfer_decide(actor=other_worker, transfer=transfer, accept=True)
    assert assert_kept() == {("worker_b", "甲改"), ("worker_b", "丙")}

    alone = make_client(social_worker, name="丁")
    services.client_remove(actor=social_worker, client=alone, reason="重复登记")
    assert assert_kept() == {("worker_b", "甲改"), ("worker_b", "丙")}


def test_a_workers_client_list_is_their_caseload_in_name_order(as_user, social_worker, colleague):
    for name in ("王五", "李四", "张三"):
        make_case(social_worker, client=make_client(social_worker, name=name))
    make_client(social_worker, name="赵六")  # no case yet
    make_case(colleague, client=make_client(colleague, name="钱七"))

    assert listed(as_user, social_worker) == sorted(["王五", "李四", "张三", "赵六"])
    assert listed(as_user, colleague) == ["钱七"]


def test_a_client_reached_by_a_grant_is_listed_with_the_caseload_until_it_ends(
    as_user, social_worker, colleague, district_admin
):
    case = make_case(colleague, client=make_client(colleague, name="钱七"))
    make_case(social_worker, client=make_client(social_worker, name="张三"))
    grant = grant_access(
        actor=district_admin, case_number=case.number, user=social_worker, reason="督导",
        expires_on=timezone.localdate() + timedelta(days=7),
    )  # fmt: skip
    assert listed(as_user, social_worker) == sorted(["钱七", "张三"])

    services.access_revoke(actor=district_admin, grant=grant)
    assert listed(as_user, social_worker) == ["张三"]
