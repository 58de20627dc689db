import pytest

from tests.projects.factories import make_budget, make_call, make_organization


@pytest.fixture
def organization(db):
    return make_organization("阳光社工服务中心", credit_code="91350100M000100Y43")


@pytest.fixture
def other_organization(db):
    return make_organization("启航社工事务所", credit_code="91110000600037341L")


@pytest.fixture
def applicant(org_staff, organization):
    """Organization staff of `organization`."""
    org_staff.organization = organization
    org_staff.save(update_fields=["organization"])
    return org_staff


@pytest.fixture
def call(db):
    return make_call()


@pytest.fixture
def budget(db):
    return make_budget()


from tests.projects.evaluation_fixtures import (  # noqa: E402, F401 (the evaluation tests' fixtures)
    assessor_org,
    ev_call,
    evaluation,
    evaluator,
    other_evaluator,
    other_project,
    provider,
    provider_staff,
    running,
    scheme,
)
