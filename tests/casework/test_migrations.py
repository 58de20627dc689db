"""Grants made before a second person had to approve (migration casework.0007): a grant a person
made to themselves is revoked; the others stay approved, cut to 30 days from the upgrade."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from casework.models import AccessGrant
from tests.casework.factories import make_case

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("casework", "0006_my_open_cases_index")]
AFTER = [("casework", "0009_access_grant_constraints")]


def test_earlier_self_grants_are_revoked_and_the_others_cut_to_the_policys_days(
    social_worker, district_admin, colleague
):
    case = make_case(social_worker)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps.get_model("casework", "AccessGrant")
    today = timezone.localdate()
    forever = today.replace(year=2099)
    own = old.objects.create(case_id=case.pk, user_id=district_admin.pk, granted_by_id=district_admin.pk,
                             reason="自己", expires_on=forever)  # fmt: skip
    other = old.objects.create(case_id=case.pk, user_id=colleague.pk, granted_by_id=district_admin.pk,
                               reason="代班", expires_on=forever)  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    own, other = AccessGrant.objects.get(pk=own.pk), AccessGrant.objects.get(pk=other.pk)
    assert own.status == "revoked" and own.revoked_at is not None
    assert other.status == "approved" and other.expires_on == today + timedelta(days=30)
