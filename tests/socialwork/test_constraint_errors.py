"""Database constraints speak to people (socialwork.constraints): a rule the database keeps is
told in the person's words, on the field it concerns, by every door (pages, API, imports), and
no constraint's name ever reaches a page or a 400 body."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from casework.models import Group
from positions import imports as position_imports
from positions.models import HostInstitution, Position, SocialWorker
from projects.models import Call, SocialOrganization
from socialwork import constraints
from socialwork.constraints import ConstraintViolation, violated_constraint
from tests.casework.factories import case_in_intervention
from tests.positions.test_imports import WORKER_HEADERS, csv_file, id_number
from tests.projects.factories import CREDIT_CODES, make_organization

TODAY = timezone.localdate()
PROJECT_APPS = {"socialwork", "positions", "training", "projects", "casework", "reports"}
MODELS = [model for model in apps.get_models() if model._meta.app_label in PROJECT_APPS]
CONSTRAINTS = [(model, constraint) for model in MODELS for constraint in model._meta.constraints]
NAMES = sorted(constraint.name for _, constraint in CONSTRAINTS)


def leaked_names(body: str | bytes) -> list[str]:
    """The constraint names that appear in a response body."""
    text = body.decode() if isinstance(body, bytes) else body
    return [name for name in NAMES if name in text]


def field_error(html: str, name: str) -> str:
    """The error shown under the form field `name` on a page, '' when none."""
    for block in html.split('<div class="field')[1:]:
        if f'name="{name}"' in block:
            errors = re.search(r'<div class="errors" role="alert">(.*?)</div>', block, re.S)
            return errors[1] if errors else ""
    raise AssertionError(f"no field {name} on the page")


def referenced_fields(model, constraint) -> set[str]:
    names = set(getattr(constraint, "fields", ()))
    condition = getattr(constraint, "condition", None)
    if condition is not None:
        names |= {reference[0] for reference in model._get_expr_references(condition)}
    names = {model._meta.pk.name if name == "pk" else name for name in names}
    # A rule over a keyed digest (socialwork.crypto.fields.DigestField) is a rule over its source:
    # the person typed the ID number, not its digest.
    return names | {
        field.source
        for name in names
        if (field := model._meta.get_field(name)) and getattr(field, "source", "")
    }


# Every constraint has something to say


def test_the_models_have_named_constraints_to_check():
    assert len(NAMES) > 40 and "organization_credit_code_unique" in NAMES


@pytest.mark.parametrize(("model", "constraint"), CONSTRAINTS, ids=NAMES)
def test_every_named_constraint_has_a_message_of_its_own_on_the_field_it_concerns(model, constraint):
    assert isinstance(constraint, constraints.CheckConstraint | constraints.UniqueConstraint)
    message = str(constraint.get_violation_error_message())
    assert constraint.violation_error_message != constraint.default_violation_error_message
    assert constraint.name not in message and "Constraint" not in message
    assert constraint.violation_error_code
    if constraint.field is not None:
        assert constraint.field in referenced_fields(model, constraint), (
            "the message lands on a field of the rule"
        )


def test_constraints_deconstruct_as_djangos_own_so_migrations_need_no_sql_for_a_message():
    constraint = Position._meta.constraints[0]
    path, _, kwargs = constraint.deconstruct()
    assert path == "django.db.models.CheckConstraint"
    assert kwargs["violation_error_message"] == constraint.violation_error_message
    assert constraint.clone().field == "quota"


# The findings, through the pages and the API


@pytest.fixture
def host(db):
    return HostInstitution.objects.get_or_create(name="民政")[0]


def test_a_position_with_no_places_is_refused_on_its_quota(as_user, api, district_admin, network, host):
    fields = {"code": "P-1", "title": "网格社工", "unit": network.posts_a[0].pk, "host": host.pk,
              "category": "grid", "setup_mode": "contract", "quota": 0, "required_level": "none",
              "status": "active"}  # fmt: skip
    page = as_user(district_admin).post(reverse("positions:position_create"), fields)
    assert page.status_code == 200 and not leaked_names(page.content)
    assert "at least 1" in field_error(page.content.decode(), "quota")

    response = api(district_admin).post("/api/v1/positions/", fields, format="json")
    assert response.status_code == 400 and not leaked_names(response.content)
    assert "at least 1" in response.json()["quota"][0]
    assert not Position.objects.exists()


def test_a_group_ending_before_it_starts_is_refused_on_its_end(as_user, api, social_worker):
    fields = {"name": "亲青家园", "kind": Group.Kind.GROWTH, "aims": "成长",
              "starts_on": TODAY.isoformat(), "ends_on": (TODAY - timedelta(days=1)).isoformat()}  # fmt: skip
    page = as_user(social_worker).post(reverse("casework:group_create"), fields)
    assert page.status_code == 200 and not leaked_names(page.content)
    assert "cannot end before it starts" in field_error(page.content.decode(), "ends_on")

    response = api(social_worker).post("/api/v1/groups/", fields, format="json")
    assert response.status_code == 400 and not leaked_names(response.content)
    assert "cannot end before it starts" in response.json()["ends_on"][0]
    assert not Group.objects.exists()


def test_a_chinese_page_and_api_tell_the_rule_in_chinese(as_user, api, social_worker, settings):
    settings.LANGUAGE_CODE = "zh-hans"  # the site's default, which the test settings change
    fields = {"name": "亲青家园", "kind": Group.Kind.GROWTH, "aims": "成长",
              "starts_on": TODAY.isoformat(), "ends_on": (TODAY - timedelta(days=1)).isoformat()}  # fmt: skip
    page = as_user(social_worker).post(reverse("casework:group_create"), fields)
    assert not leaked_names(page.content)
    assert "小组结束日期不能早于开始日期" in field_error(page.content.decode(), "ends_on")

    response = api(social_worker).post("/api/v1/groups/", fields, format="json")
    assert response.status_code == 400 and not leaked_names(response.content)
    assert "小组结束日期不能早于开始日期" in response.json()["ends_on"][0]


def test_a_referral_obtaining_a_negative_amount_is_refused_on_the_amount(
    as_user, api, social_worker, supervisor
):
    case = case_in_intervention(social_worker, supervisor)
    referral = case.referrals.create(
        target_kind="department",
        target="交警大队",
        request="调解赔偿",
        referred_on=TODAY,
        author=social_worker,
    )
    prefix = f"referral-{referral.pk}"
    page = as_user(social_worker).post(
        reverse("casework:referral_update", args=[case.pk, referral.pk]),
        {f"{prefix}-status": "succeeded", f"{prefix}-outcome": "compensation", f"{prefix}-amount": "-5"},
    )
    assert not leaked_names(page.content)
    assert "cannot be negative" in field_error(page.content.decode(), f"{prefix}-amount")

    response = api(social_worker).post(
        f"/api/v1/cases/{case.pk}/referrals/{referral.pk}/outcome/",
        {"status": "succeeded", "outcome": "compensation", "amount": "-5"},
        format="json",
    )
    assert response.status_code == 400 and not leaked_names(response.content)
    assert "amount" in response.json()
    referral.refresh_from_db()
    assert referral.amount is None


def test_a_call_closing_before_it_opens_is_refused_on_its_closing_date(as_user, api, district_admin):
    fields = {"year": TODAY.year, "kind": "micro", "title": "公益微创投", "budget_ceiling": "50000",
              "opens_on": TODAY.isoformat(), "closes_on": (TODAY - timedelta(days=1)).isoformat(),
              "min_applications_per_community": 0}  # fmt: skip
    page = as_user(district_admin).post(reverse("projects:call_create"), fields)
    assert page.status_code == 200 and not leaked_names(page.content)
    assert "cannot close before it opens" in field_error(page.content.decode(), "closes_on")

    response = api(district_admin).post("/api/v1/calls/", fields, format="json")
    assert response.status_code == 400 and not leaked_names(response.content)
    assert "cannot close before it opens" in response.json()["closes_on"][0]
    assert not Call.objects.exists()


def organization_fields(code: str) -> dict:
    return {"name": "另一家机构", "credit_code": code, "kind": "institution", "registration": "registered"}


def test_an_organization_with_a_credit_code_on_record_is_refused_on_the_code(as_user, api, district_admin):
    make_organization(credit_code=CREDIT_CODES[0])
    page = as_user(district_admin).post(
        reverse("projects:organization_create"), organization_fields(CREDIT_CODES[0])
    )
    assert page.status_code == 200 and not leaked_names(page.content)
    assert "already has this unified social credit code" in field_error(page.content.decode(), "credit_code")

    # The API's serializer checks a one-field unique constraint itself, with its own words.
    response = api(district_admin).post(
        "/api/v1/organizations/", organization_fields(CREDIT_CODES[0]), format="json"
    )
    assert response.status_code == 400 and not leaked_names(response.content)
    assert "unified social credit code" in response.json()["credit_code"][0]
    assert SocialOrganization.objects.count() == 1


# When only the database can tell: two people saving at once


@pytest.fixture
def saved_meanwhile(monkeypatch):
    """`saved_meanwhile(Model, rival)`: another person's row (`rival()`) is written just before
    the next Model is, after every check of it (form, serializer, service), so that only the
    database can refuse it."""

    def arrange(model, rival):
        save = model.save

        def rival_then_save(self, *args, **kwargs):
            monkeypatch.setattr(model, "save", save)
            rival()
            return save(self, *args, **kwargs)

        monkeypatch.setattr(model, "save", rival_then_save)

    return arrange


@pytest.fixture
def unvalidated(monkeypatch):
    """`unvalidated(Model)`: its constraints are not validated, as by code that writes without
    `full_clean`: only the database refuses."""

    def skip(model):
        monkeypatch.setattr(model, "validate_constraints", lambda self, exclude=None: None)

    return skip


def test_the_database_refusing_a_duplicate_credit_code_is_told_on_the_field(
    as_user, api, district_admin, saved_meanwhile
):
    def rival():
        make_organization("先到的机构", credit_code=CREDIT_CODES[0])

    saved_meanwhile(SocialOrganization, rival)
    page = as_user(district_admin).post(
        reverse("projects:organization_create"), organization_fields(CREDIT_CODES[0])
    )
    assert page.status_code == 200 and not leaked_names(page.content)
    assert "already has this unified social credit code" in field_error(page.content.decode(), "credit_code")

    saved_meanwhile(SocialOrganization, rival)
    response = api(district_admin).post(
        "/api/v1/organizations/", organization_fields(CREDIT_CODES[0]), format="json"
    )
    assert response.status_code == 400 and not leaked_names(response.content)
    assert "already has this unified social credit code" in response.json()["credit_code"][0]
    assert not SocialOrganization.objects.filter(name="另一家机构").exists()


def test_the_database_refusing_a_check_is_told_on_the_field(
    as_user, district_admin, network, host, unvalidated
):
    unvalidated(Position)
    fields = {"code": "P-1", "title": "网格社工", "unit": network.posts_a[0].pk, "host": host.pk,
              "category": "grid", "setup_mode": "contract", "quota": 0, "required_level": "none",
              "status": "active"}  # fmt: skip
    page = as_user(district_admin).post(reverse("positions:position_create"), fields)
    assert page.status_code == 200 and not leaked_names(page.content)
    assert "at least 1" in field_error(page.content.decode(), "quota")


def test_a_constraint_violation_is_still_an_integrity_error_for_code_that_expects_one(network, host):
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        Position.objects.create(
            code="P-1", title="网格社工", unit=network.posts_a[0], host=host, category="grid",
            setup_mode="contract", quota=0,
        )  # fmt: skip
    assert isinstance(raised.value, ValidationError)
    assert list(raised.value.message_dict) == ["quota"]


def test_an_integrity_error_of_no_named_constraint_stays_a_fault(network, host):
    Position.objects.create(
        code="P-1", title="甲", unit=network.posts_a[0], host=host, category="grid", setup_mode="contract"
    )
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        Position.objects.create(
            code="P-1", title="乙", unit=network.posts_a[0], host=host, category="grid", setup_mode="contract"
        )
    assert not isinstance(raised.value, ConstraintViolation)


# Both databases CI runs name the constraint their own way


class PsycopgError(Exception):
    """What psycopg raises: the constraint's name in its diagnostics."""

    def __init__(self, constraint_name):
        super().__init__("violates constraint")
        self.diag = SimpleNamespace(constraint_name=constraint_name)


def postgres_error(constraint_name):
    error = IntegrityError("violates constraint")
    error.__cause__ = PsycopgError(constraint_name)
    return error


@pytest.mark.parametrize(
    ("error", "name"),
    [
        (postgres_error("position_quota_positive"), "position_quota_positive"),
        (postgres_error("organization_credit_code_unique"), "organization_credit_code_unique"),
        (IntegrityError("CHECK constraint failed: call_closes_after_opening"), "call_closes_after_opening"),
        (
            IntegrityError("UNIQUE constraint failed: projects_socialorganization.credit_code"),
            "organization_credit_code_unique",
        ),
        (
            IntegrityError(
                "UNIQUE constraint failed: casework_groupmember.group_id, casework_groupmember.client_id"
            ),
            "group_member_unique",
        ),
    ],
)
def test_the_violated_constraint_is_read_from_postgresql_and_sqlite_errors(error, name):
    assert violated_constraint(error).name == name


@pytest.mark.parametrize(
    "error",
    [
        postgres_error("positions_position_code_key"),
        postgres_error(None),
        IntegrityError("NOT NULL constraint failed: positions_position.title"),
        IntegrityError("UNIQUE constraint failed: positions_position.code"),
    ],
)
def test_errors_naming_no_constraint_of_ours_have_nothing_to_say(error):
    assert constraints.violation_of(error) is None


def test_a_violation_reads_as_the_message_on_its_field_or_on_the_record():
    quota = constraints.violation_of(postgres_error("position_quota_positive"))
    assert isinstance(quota, IntegrityError) and quota.message_dict == {
        "quota": ["The quota must be at least 1."]
    }
    singleton = constraints.violation_of(postgres_error("casework_policy_once"))
    assert list(singleton.message_dict) == [NON_FIELD_ERRORS]


# Imports


def worker_upload(unit, certificate):
    return csv_file(WORKER_HEADERS, [["张丽", "女", id_number(), "", unit.code, "社工师", certificate]])


@pytest.mark.parametrize("seen_by", ["validation", "database"])
def test_an_import_meeting_a_certificate_number_saved_meanwhile_names_the_column_not_the_constraint(
    as_user, station_manager, network, monkeypatch, saved_meanwhile, seen_by
):
    def rival():
        SocialWorker.objects.create(
            name="在册", gender="female", id_number=id_number("19800101", "002"), certificate_number="C-9"
        )

    client = as_user(station_manager)
    preview = client.post(
        reverse("positions:import"), {"kind": "workers", "file": worker_upload(network.room_a, "C-9")}
    )
    token = preview.context["confirm"].initial["token"]
    if seen_by == "validation":
        # Saved after the file's checks, before the row's: the model's validation sees it.
        on_record = position_imports.by_value

        def missing_the_rival(queryset, field_name, values):
            return {} if field_name == "certificate_number" else on_record(queryset, field_name, values)

        monkeypatch.setattr(position_imports, "by_value", missing_the_rival)
        rival()
    else:
        saved_meanwhile(SocialWorker, rival)
    page = client.post(reverse("positions:import"), {"token": token})
    assert not leaked_names(page.content)
    rejected = page.context["rejected"]
    assert len(rejected) == 1 and "Row 2" in rejected[0]
    assert "certificate_number" in rejected[0] and "already holds this certificate number" in rejected[0]
    assert not SocialWorker.objects.filter(name="张丽").exists()
