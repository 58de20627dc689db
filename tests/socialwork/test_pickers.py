"""People, communities and organizations are picked by typing; the header searches everything
a person may see. What was typed is resolved on the server (the pages work without JavaScript);
a name shared by two people is an error that lists them with their unit and masked ID."""

import pytest
from django.urls import reverse

from positions.models import Region
from positions.pickers import worker_label
from projects.models import SocialOrganization
from socialwork.models import AuditEntry
from tests.factories import make_region
from tests.positions.test_workforce import make_position, make_worker
from tests.training.test_views import make_series, make_session


@pytest.fixture
def session(network):
    return make_session(make_series(network), capacity=5)


def enrol(client, session, typed):
    return client.post(
        reverse("training:enrolment_create", args=[session.pk]), {"worker": typed}, follow=True
    )


def test_the_enrolment_form_is_a_typed_picker_not_a_select_of_every_worker(
    as_user, district_admin, session, network
):
    for i in range(3):
        make_worker(f"工作者{i}", unit=network.room_a)
    page = as_user(district_admin).get(reverse("training:session_detail", args=[session.pk])).content.decode()
    assert '<select name="worker"' not in page
    assert (
        'name="worker"' in page
        and 'hx-get="/pick/worker/"' in page
        and 'hx-trigger="input changed delay:300ms"' in page
    )


def test_two_workers_of_one_name_are_told_apart_by_unit_and_masked_id(
    as_user, district_admin, session, network
):
    first = make_worker("李明", unit=network.room_a)
    second = make_worker("李明", unit=network.room_b)
    client = as_user(district_admin)
    page = enrol(client, session, "李明")
    errors = str(page.context["enrol_form"].errors["worker"])
    assert "甲社区服务室" in errors and "乙社区服务室" in errors
    assert first.id_number[-4:] in errors and first.id_number[6:14] not in errors  # masked
    assert not session.enrolments.exists()
    # The candidate's label, as the suggestions offer it, picks that one.
    enrol(client, session, worker_label(second))
    assert list(session.enrolments.values_list("worker", flat=True)) == [second.pk]


def test_a_worker_is_found_by_certificate_number_or_the_last_digits_of_the_id(
    as_user, district_admin, session, network
):
    worker = make_worker("王芳", unit=network.room_a, certificate_number="S2015420001")
    make_worker("王芳", unit=network.room_a)
    client = as_user(district_admin)
    enrol(client, session, "S2015420001")
    assert session.enrolments.get().worker == worker
    other = make_session(session.series, capacity=5)
    enrol(client, other, worker.id_number[-6:])
    assert other.enrolments.get().worker == worker
    # Looking someone up by ID digits is audited.
    assert AuditEntry.objects.filter(action="worker.search", actor=district_admin).exists()


def test_unknown_input_is_an_inline_error(as_user, district_admin, session):
    page = enrol(as_user(district_admin), session, "无此人")
    assert "无此人" in str(page.context["enrol_form"].errors["worker"])


def test_suggestions_are_scoped_to_what_the_person_sees(as_user, station_manager, network):
    make_worker("赵一", unit=network.room_a)
    make_worker("赵二", unit=network.room_b)  # another station's
    page = as_user(station_manager).get(reverse("pick", args=["worker"]), {"field": "worker", "worker": "赵"})
    text = page.content.decode()
    assert "赵一" in text and "赵二" not in text and "<option" in text


def test_communities_are_offered_with_their_town(as_user, district_admin, network):
    make_region("新店村", Region.Level.VILLAGE, network.town_b)
    make_region("新店村", Region.Level.VILLAGE, network.town_c)
    page = as_user(district_admin).get(reverse("pick", args=["region"]), {"q": "新店"}).content.decode()
    assert "乙街道 · 新店村" in page and "丙乡 · 新店村" in page


def test_organizations_are_offered_with_their_credit_code(as_user, district_admin, network):
    SocialOrganization.objects.create(
        name="阳光社工服务中心", credit_code="52420506MJH123456X", region=network.district
    )
    page = as_user(district_admin).get(reverse("pick", args=["organization"]), {"q": "阳光"}).content.decode()
    assert "阳光社工服务中心 · 52420506MJH123456X" in page


def test_the_header_search_finds_each_kind_only_in_scope(
    as_user, station_manager, district_admin, network, django_assert_max_num_queries
):
    mine = make_worker("钱多", unit=network.room_a)
    make_worker("钱少", unit=network.room_b)
    make_position(network.posts_a[0], code="GW-0001")
    client = as_user(station_manager)
    assert 'action="/search/"' in client.get(reverse("home")).content.decode()
    with django_assert_max_num_queries(30):
        page = client.get(reverse("search"), {"q": "钱"})
    groups = {group.kind.name: [label for _obj, label in group.results] for group in page.context["groups"]}
    assert groups["worker"] == [worker_label(mine)]
    assert "网格社工" in str(
        as_user(station_manager).get(reverse("search"), {"q": "GW-0001"}).content.decode()
    )
    # ID digits reveal a person: the search is audited.
    client.get(reverse("search"), {"q": mine.id_number[-4:]})
    assert AuditEntry.objects.filter(action="worker.search", actor=station_manager).exists()


def test_the_header_search_finds_a_case_by_number_and_clients_by_name_only_where_seen_and_audits_it(
    as_user, social_worker, supervisor, network, django_assert_max_num_queries
):
    from socialwork.roles import Role
    from tests.casework.factories import make_case, make_client
    from tests.factories import make_user

    other = make_user("worker_b", Role.SOCIAL_WORKER, unit=network.room_b, full_name="乙社工")
    case = make_case(social_worker, client=make_client(social_worker, name="孙小梅"), supervisor=supervisor)
    make_case(other, client=make_client(other, name="孙小兰"), supervisor=supervisor)

    client = as_user(social_worker)
    with django_assert_max_num_queries(30):
        page = client.get(reverse("search"), {"q": "孙小"})
    groups = {group.kind.name: [label for _obj, label in group.results] for group in page.context["groups"]}
    assert [label.split(" · ")[0] for label in groups["client"]] == ["孙小梅"]
    assert "孙小兰" not in page.content.decode()
    entry = AuditEntry.objects.get(action="client.search", actor=social_worker)
    assert "孙小" in entry.summary
    assert entry.target_type == "casework.client"  # the audit log names the record's kind in Chinese
    # The case by its number; another worker finds nothing, and nothing of theirs is audited.
    found = client.get(reverse("search"), {"q": case.number.lower()})
    assert f'href="{case.get_absolute_url()}"' in found.content.decode()
    nothing = as_user(other).get(reverse("search"), {"q": case.number})
    assert nothing.context["groups"] == [] and case.get_absolute_url() not in nothing.content.decode()
    assert not AuditEntry.objects.filter(action="client.search", actor=other).exists()


def test_a_town_typed_as_it_reads_is_the_town_not_its_communities(district_admin, network):
    from positions.forms import ServiceUnitForm

    form = ServiceUnitForm(user=district_admin)
    assert form.fields["region"].clean("甲镇") == network.town_a
    assert form.fields["region"].clean("甲镇 · 甲一村") == network.village_a


def test_a_social_worker_referring_a_case_is_offered_the_organization_typed(as_user, social_worker, network):
    """Found as the demo's worker on a case's referral form: typing an organization's name
    suggested nothing (the suggestions were cut to the organizations whose pages the person may
    open: none for a social worker), yet the form accepted any registered organization. The
    register's names and credit codes are offered to whoever picks one; the header search still
    lists only what the person may open."""
    SocialOrganization.objects.create(
        name="阳光社工服务中心", credit_code="52420506MJH123456X", region=network.district
    )
    client = as_user(social_worker)
    typed = {"field": "referral-organization", "referral-organization": "阳光"}
    page = client.get(reverse("pick", args=["organization"]), typed).content.decode()
    assert "阳光社工服务中心 · 52420506MJH123456X" in page
    assert "阳光社工服务中心" not in client.get(reverse("search"), {"q": "阳光"}).content.decode()
