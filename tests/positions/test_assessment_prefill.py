"""The practice assessment shows what the records already say about a worker's year, and
pre-fills the scores of the criteria linked to one of those figures."""

from datetime import date, datetime, time
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from casework.models import Approval, Case, CaseworkPolicy, Closing, ServiceNote, SupervisorReview
from positions.models import Assessment, AssessmentCriterion, AssessmentScheme
from positions.pickers import worker_label
from positions.selectors.evidence import worker_evidence
from positions.services.assessment import assessment_record, suggested_score
from socialwork.models import AuditEntry
from tests.casework.factories import make_case
from tests.positions.test_assessment import RULES, make_scheme, scheme_post_data
from tests.positions.test_workforce import make_worker
from tests.training.test_services import make_series, make_session
from training.models import Enrolment

YEAR = 2025


def _case(actor, worker, intake_on, closed_on=None):
    case = make_case(actor, worker=worker)
    fields = {"intake_on": intake_on}
    if closed_on:
        fields.update(status=Case.Status.CLOSED, closed_on=closed_on)
    Case.objects.filter(pk=case.pk).update(**fields)
    return case


def _note(case, author, on):
    ServiceNote.objects.create(
        case=case, author=author, noted_on=on, method="phone", minutes=30, content="随访"
    )


def _closing(case, author, reason):
    Closing.objects.create(case=case, author=author, reason=reason, summary="结案", status=Approval.APPROVED)


def _attended(worker, series, starts, hours, attended=True):
    session = make_session(series)
    session.starts_at = timezone.make_aware(datetime.combine(starts, time(9)))
    session.save(update_fields=["starts_at"])
    Enrolment.objects.create(
        session=session, worker=worker, status=Enrolment.Status.CONFIRMED, attended=attended,
        hours_credited=Decimal(hours),
    )  # fmt: skip


@pytest.fixture
def worker_year(network, station_manager, social_worker):
    """Four cases of the worker touch 2025 (two open at its end, one with a recent note; two
    closed in it, one with goals reached); one ended before and one began after. Two notes by the
    worker in 2025, three reviews given on two cases, 6 training hours attended in 2025."""
    worker = make_worker("胡社工", network.room_a, user=social_worker)
    open_old = _case(station_manager, social_worker, date(2024, 6, 1))
    open_new = _case(station_manager, social_worker, date(YEAR, 3, 1))
    reached = _case(station_manager, social_worker, date(YEAR, 2, 1), closed_on=date(YEAR, 9, 1))
    moved = _case(station_manager, social_worker, date(YEAR, 1, 10), closed_on=date(YEAR, 5, 1))
    before = _case(station_manager, social_worker, date(2024, 1, 1), closed_on=date(2024, 12, 1))
    _case(station_manager, social_worker, date(YEAR + 1, 1, 5))
    _case(station_manager, None, date(YEAR, 1, 5))  # someone else's
    _closing(reached, social_worker, Closing.Reason.GOALS_REACHED)
    _closing(moved, social_worker, Closing.Reason.MOVED_AWAY)
    _closing(before, social_worker, Closing.Reason.GOALS_REACHED)
    _note(open_old, social_worker, date(YEAR, 12, 20))  # within the last 30 days of the year
    _note(open_new, social_worker, date(YEAR, 10, 1))  # too long before its end
    _note(open_old, station_manager, date(YEAR, 6, 1))  # not written by the worker
    _note(before, social_worker, date(2024, 11, 30))  # another year
    for case, on in [
        (open_old, date(YEAR, 3, 1)),
        (open_old, date(YEAR, 8, 1)),
        (open_new, date(YEAR, 4, 1)),
    ]:
        SupervisorReview.objects.create(case=case, supervisor=social_worker, reviewed_on=on, comments="督导")
    SupervisorReview.objects.create(
        case=before, supervisor=social_worker, reviewed_on=date(2024, 5, 1), comments="督导"
    )
    series = make_series(network)
    _attended(worker, series, date(YEAR, 4, 2), "4.0")
    _attended(worker, series, date(YEAR, 9, 2), "2.0")
    _attended(worker, series, date(YEAR, 10, 2), "3.0", attended=False)
    _attended(worker, series, date(YEAR - 1, 10, 2), "5.0")
    return worker


def test_figures_count_the_workers_year_from_the_records(worker_year, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        figures = {f.key: f for f in worker_evidence(worker=worker_year, year=YEAR, today=date(2026, 3, 1))}
    assert figures["caseload"].value == 4
    assert figures["notes_written"].value == 2
    assert figures["notes_on_time"].value == "50%"
    assert "1 of the 2 cases open on 2025-12-31" in figures["notes_on_time"].source
    assert figures["goals_reached"].value == 1
    assert "1 of the 2 cases closed in 2025" in figures["goals_reached"].source
    assert figures["supervision"].value == 3 and "on 2 cases" in figures["supervision"].source
    assert figures["training_hours"].value == Decimal("6.0")
    assert figures["training_hours"].url == worker_year.get_absolute_url()


def test_notes_on_time_follow_the_districts_quiet_case_days_as_the_reminders_do(worker_year):
    """A quiet case is the policy's N days everywhere (casework.selectors.case_quiet); the figure
    once counted a fixed 30 days while the reminders followed the policy."""
    CaseworkPolicy.objects.update_or_create(region=None, defaults={"quiet_case_days": 100})
    figures = {f.key: f for f in worker_evidence(worker=worker_year, year=YEAR, today=date(2026, 3, 1))}
    # The case noted on 1 October is not quiet on 31 December under a 100-day rule.
    assert figures["notes_on_time"].value == "100%"
    assert "2 of the 2 cases open on 2025-12-31" in figures["notes_on_time"].source
    assert "100 days" in figures["notes_on_time"].source


def test_a_case_taken_in_within_the_window_is_not_counted_late(worker_year, station_manager, social_worker):
    """As the reminders see it, a case taken in less than N days before the end is not quiet yet."""
    _case(station_manager, social_worker, date(YEAR, 12, 20))
    figures = {f.key: f for f in worker_evidence(worker=worker_year, year=YEAR, today=date(2026, 3, 1))}
    assert "2 of the 3 cases open on 2025-12-31" in figures["notes_on_time"].source


def test_a_running_year_is_counted_up_to_today(worker_year):
    figures = {f.key: f for f in worker_evidence(worker=worker_year, year=YEAR, today=date(YEAR, 6, 30))}
    # On 30 June: three cases open (the one closed on 1 September still was), one closed (moved away).
    assert figures["caseload"].value == 4
    assert "open on 2025-06-30" in figures["notes_on_time"].source
    assert figures["goals_reached"].value == 0 and "0 of the 1 cases" in figures["goals_reached"].source
    assert figures["notes_written"].value == 0
    assert figures["training_hours"].value == Decimal("6.0")  # training counts its calendar year


def test_a_worker_without_a_login_has_no_case_figures_but_training_hours(network):
    worker = make_worker("无账号", network.room_a)
    figures = {f.key: f for f in worker_evidence(worker=worker, year=YEAR)}
    assert figures["caseload"].value is None and "No login account" in figures["caseload"].source
    assert "notes_written" not in figures and figures["training_hours"].value == 0


def test_the_recording_page_shows_the_evidence_beside_the_scores_without_client_names(
    worker_year, district_admin, as_user
):
    scheme = make_scheme(district_admin, year=YEAR)
    url = reverse("positions:assessment_record", args=[scheme.pk])
    page = as_user(district_admin).get(f"{url}?subject={worker_year.pk}")
    html = page.content.decode()
    assert page.status_code == 200
    assert "What the records say about 胡社工 in 2025" in html
    assert "4 cases assigned to this worker and open at some time in 2025 (case records)" in html
    assert "6 hours credited for training attended in 2025" in html
    assert "案主" not in html and Case.objects.filter(worker__isnull=False).first().number not in html


def test_the_recording_page_without_a_subject_shows_no_evidence(district_admin, as_user):
    scheme = make_scheme(district_admin, year=YEAR)
    page = as_user(district_admin).get(reverse("positions:assessment_record", args=[scheme.pk]))
    assert page.status_code == 200 and "What the records say" not in page.content.decode()


# Pre-filled scores ------------------------------------------------------------------------------

Source = AssessmentCriterion.Source
LINKED = [
    ("Caseload", "30", Source.CASELOAD, "8"),  # 4 of 8 → 50
    ("Timely notes", "20", Source.NOTES_ON_TIME, "100"),  # 50% of 100 → 50
    ("Training", "20", Source.TRAINING_HOURS, "4"),  # 6 of 4 → capped at 100
    ("Supervision", "10", Source.SUPERVISION, "9"),  # 3 of 9 → 33.3 → 33
    ("Attitude", "20"),  # not linked
]


@pytest.fixture
def linked_scheme(district_admin):
    return make_scheme(district_admin, year=YEAR, criteria=LINKED)


def _by_name(scheme):
    return {c.name: c for c in scheme.criteria.all()}


def test_suggested_score_is_the_share_of_full_marks_rounded_and_capped():
    assert suggested_score(value=4, full_marks_at=Decimal(8)) == Decimal(50)
    assert suggested_score(value=1, full_marks_at=Decimal(8)) == Decimal(13)  # 12.5 rounds half up
    assert suggested_score(value=Decimal("6.0"), full_marks_at=Decimal(4)) == Decimal(100)
    assert suggested_score(value=0, full_marks_at=Decimal(10)) == Decimal(0)
    assert suggested_score(value=None, full_marks_at=Decimal(10)) is None


def test_every_figure_of_the_records_can_be_linked_to_a_criterion(worker_year):
    keys = [figure.key for figure in worker_evidence(worker=worker_year, year=YEAR)]
    assert sorted(keys) == sorted(Source.values)


def test_choosing_a_worker_pre_fills_the_linked_criteria_from_their_figures(
    worker_year, linked_scheme, district_admin, as_user
):
    url = reverse("positions:assessment_record", args=[linked_scheme.pk])
    page = as_user(district_admin).get(f"{url}?subject={worker_year.pk}")
    criteria, initial = _by_name(linked_scheme), page.context["form"].initial
    assert {name: initial.get(f"score_{c.pk}") for name, c in criteria.items()} == {
        "Caseload": Decimal(50), "Timely notes": Decimal(50), "Training": Decimal(100),
        "Supervision": Decimal(33), "Attitude": None,
    }  # fmt: skip
    html = page.content.decode()
    assert (
        "Pre-filled from the records: Caseload 4 (full marks at 8) — 4 cases assigned to this worker" in html
    )
    assert "Pre-filled from the records: Cases with a recent note 50%" in html
    assert f'name="prefilled_{criteria["Training"].pk}" value="100"' in html
    assert f'name="prefilled_{criteria["Attitude"].pk}"' not in html
    assert 'id="choose_subject"' in html


def test_the_chooser_without_a_worker_pre_fills_nothing(linked_scheme, district_admin, as_user):
    page = as_user(district_admin).get(reverse("positions:assessment_record", args=[linked_scheme.pk]))
    assert page.status_code == 200
    assert not any(key.startswith("score_") for key in page.context["form"].initial)
    assert "Choose the worker" in page.content.decode()


def test_a_worker_without_a_login_gets_training_pre_filled_but_not_the_case_figures(
    network, linked_scheme, district_admin, as_user
):
    worker = make_worker("无账号", network.room_a)
    url = reverse("positions:assessment_record", args=[linked_scheme.pk])
    page = as_user(district_admin).get(f"{url}?subject={worker.pk}")
    criteria, initial = _by_name(linked_scheme), page.context["form"].initial
    assert initial.get(f"score_{criteria['Caseload'].pk}") is None
    assert initial.get(f"score_{criteria['Training'].pk}") == Decimal(0)
    assert "Not pre-filled: No login account is linked to this worker" in page.content.decode()


def test_the_assessors_changed_score_is_saved_and_the_audit_keeps_the_suggestion(
    worker_year, linked_scheme, district_admin, as_user
):
    client = as_user(district_admin)
    url = reverse("positions:assessment_record", args=[linked_scheme.pk])
    form = client.get(f"{url}?subject={worker_year.pk}").context["form"]
    data = {"subject": worker_label(worker_year), "comment": ""}
    for name in form.fields:
        if name.startswith(("score_", "prefilled_")):  # prefilled_for as well
            data[name] = form.initial.get(name, "")
    criteria = _by_name(linked_scheme)
    data[f"score_{criteria['Caseload'].pk}"] = "70"  # the assessor knows better
    data[f"score_{criteria['Attitude'].pk}"] = "90"
    response = client.post(url, data)
    assert response.status_code == 302
    assessment = Assessment.objects.get(worker=worker_year)
    assert assessment.scores == {
        str(criteria["Caseload"].pk): "70.00", str(criteria["Timely notes"].pk): "50.00",
        str(criteria["Training"].pk): "100.00", str(criteria["Supervision"].pk): "33.00",
        str(criteria["Attitude"].pk): "90.00",
    }  # fmt: skip
    # 70×.3 + 50×.2 + 100×.2 + 33×.1 + 90×.2 = 21 + 10 + 20 + 3.3 + 18
    assert assessment.total == Decimal("72.30")
    suggested, entered = AuditEntry.objects.get(action="assessment.create").changes["prefilled"]
    caseload, training = str(criteria["Caseload"].pk), str(criteria["Training"].pk)
    assert (suggested[caseload], entered[caseload]) == ("50.00", "70.00")
    assert suggested[training] == entered[training] == "100.00"
    assert str(criteria["Attitude"].pk) not in suggested


def test_a_score_recorded_before_stands_over_the_suggestion(
    worker_year, linked_scheme, district_admin, as_user
):
    criteria = _by_name(linked_scheme)
    assessment_record(
        actor=district_admin, scheme=linked_scheme, subject=worker_year,
        scores={c.pk: Decimal(80) for c in criteria.values()},
    )  # fmt: skip
    url = reverse("positions:assessment_record", args=[linked_scheme.pk])
    page = as_user(district_admin).get(f"{url}?subject={worker_year.pk}")
    initial = page.context["form"].initial
    assert initial[f"score_{criteria['Caseload'].pk}"] == "80.00"
    assert f"prefilled_{criteria['Caseload'].pk}" not in initial
    assert "The records say: Caseload 4" in page.content.decode()


def test_the_recording_page_with_a_worker_keeps_a_fixed_query_count(
    worker_year, linked_scheme, district_admin, as_user, station_manager, django_assert_max_num_queries
):
    client = as_user(district_admin)
    url = f"{reverse('positions:assessment_record', args=[linked_scheme.pk])}?subject={worker_year.pk}"
    client.get(url)
    with django_assert_max_num_queries(21):
        client.get(url)
    for on in (date(YEAR, 5, 1), date(YEAR, 6, 1), date(YEAR, 7, 1)):
        _note(_case(station_manager, worker_year.user, on), worker_year.user, on)
    with django_assert_max_num_queries(21):
        client.get(url)


# Linking a criterion ----------------------------------------------------------------------------


def test_a_link_needs_a_known_figure_and_positive_full_marks_or_neither(district_admin):
    for row in (
        ("Caseload", "100", Source.CASELOAD, None),
        ("Caseload", "100", Source.CASELOAD, "0"),
        ("Caseload", "100", "", "10"),
        ("Caseload", "100", "salary", "10"),
    ):
        with pytest.raises(ValidationError) as error:
            make_scheme(district_admin, criteria=[row])
        assert "criteria" in error.value.message_dict
    scheme = make_scheme(district_admin, criteria=[("Caseload", "100", Source.CASELOAD, "12.5")])
    assert scheme.criteria.values_list("source", "full_marks_at").get() == (Source.CASELOAD, Decimal("12.50"))


def test_the_model_and_the_database_refuse_half_a_link(district_admin):
    scheme = make_scheme(district_admin)
    half = AssessmentCriterion(scheme=scheme, name="x", weight=1, source=Source.CASELOAD)
    with pytest.raises(ValidationError) as error:
        half.full_clean()
    assert "full_marks_at" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        AssessmentCriterion(scheme=scheme, name="x", weight=1, full_marks_at=5).full_clean()
    assert "source" in error.value.message_dict
    for fields in (
        {"source": Source.CASELOAD},
        {"full_marks_at": 5},
        {"source": Source.CASELOAD, "full_marks_at": 0},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            AssessmentCriterion.objects.create(scheme=scheme, name="x", weight=1, **fields)


def test_links_are_set_on_the_scheme_page_and_shown_again_for_editing(as_user, district_admin):
    data = scheme_post_data(criteria=[("Caseload", "60"), ("Training", "40")])
    data["criteria-0-source"], data["criteria-0-full_marks_at"] = Source.CASELOAD, "10"
    client = as_user(district_admin)
    assert client.post(reverse("positions:assessment_scheme_create"), data).status_code == 302
    scheme = AssessmentScheme.objects.get()
    linked = _by_name(scheme)
    assert (linked["Caseload"].source, linked["Caseload"].full_marks_at) == (
        Source.CASELOAD,
        Decimal("10.00"),
    )
    assert (linked["Training"].source, linked["Training"].full_marks_at) == ("", None)
    edit = client.get(reverse("positions:assessment_scheme_update", args=[scheme.pk]))
    assert edit.context["criteria"].forms[0].initial["source"] == Source.CASELOAD


def test_the_scheme_page_shows_half_a_link_beside_its_row(as_user, district_admin):
    data = scheme_post_data(criteria=[("Caseload", "60"), ("Training", "40")])
    data["criteria-0-source"] = Source.CASELOAD
    data["criteria-1-full_marks_at"] = "20"
    response = as_user(district_admin).post(reverse("positions:assessment_scheme_create"), data)
    forms = response.context["criteria"].forms
    assert forms[0].errors["full_marks_at"] == ["Say which value of the figure earns full marks."]
    assert "source" in forms[1].errors


def test_links_may_change_after_assessments_are_recorded(as_user, district_admin, worker_year, linked_scheme):
    criteria = _by_name(linked_scheme)
    assessment_record(
        actor=district_admin, scheme=linked_scheme, subject=worker_year,
        scores={c.pk: Decimal(80) for c in criteria.values()},
    )  # fmt: skip
    data = scheme_post_data(year=YEAR, title="t", criteria=[row[:2] for row in LINKED], rules=RULES)
    data["criteria-TOTAL_FORMS"] = data["criteria-INITIAL_FORMS"] = len(LINKED)
    data["criteria-4-source"], data["criteria-4-full_marks_at"] = Source.NOTES_WRITTEN, "20"
    response = as_user(district_admin).post(
        reverse("positions:assessment_scheme_update", args=[linked_scheme.pk]), data
    )
    assert response.status_code == 302
    attitude = AssessmentCriterion.objects.get(pk=criteria["Attitude"].pk)
    assert (attitude.source, attitude.full_marks_at) == (Source.NOTES_WRITTEN, Decimal("20.00"))
    assert AssessmentCriterion.objects.get(pk=criteria["Caseload"].pk).source == ""  # cleared on the page


@pytest.mark.django_db
def test_migrations_are_up_to_date():
    out = StringIO()
    call_command("makemigrations", "positions", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_suggestions_made_for_another_worker_are_not_audited_as_pre_filled(
    worker_year, network, linked_scheme, district_admin, as_user
):
    other = make_worker("乙社工", network.room_a)
    client = as_user(district_admin)
    url = reverse("positions:assessment_record", args=[linked_scheme.pk])
    form = client.get(f"{url}?subject={worker_year.pk}").context["form"]
    data = {name: form.initial.get(name, "80") for name in form.fields if name != "subject"}
    data.update(subject=worker_label(other), comment="")  # changed on the form after choosing 胡社工
    assert client.post(url, data).status_code == 302
    assert "prefilled" not in AuditEntry.objects.get(action="assessment.create").changes
