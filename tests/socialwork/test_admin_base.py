"""Reference data edited in the admin: every add, change and delete is an audit row with the
values before and after (socialwork.admin_base.AuditedAdmin)."""

from django.urls import reverse

from positions.models import HostInstitution
from projects.models import ServiceTeam
from socialwork.models import AuditEntry
from tests.projects.factories import make_organization


def test_a_host_institution_added_changed_and_deleted_in_the_admin_leaves_three_audit_rows(
    client, district_admin
):
    client.force_login(district_admin)
    assert (
        client.post(reverse("admin:positions_hostinstitution_add"), {"name": "区卫健局"}).status_code == 302
    )
    host = HostInstitution.objects.get(name="区卫健局")
    change = reverse("admin:positions_hostinstitution_change", args=[host.pk])
    assert client.post(change, {"name": "区卫生健康局"}).status_code == 302
    response = client.post(
        reverse("admin:positions_hostinstitution_changelist"),
        {"action": "delete_selected", "_selected_action": [host.pk], "post": "yes"},
    )
    assert response.status_code == 302 and not HostInstitution.objects.filter(pk=host.pk).exists()

    rows = AuditEntry.objects.filter(target_type="positions.hostinstitution", target_id=str(host.pk))
    created, updated, deleted = rows.order_by("pk")
    assert (created.action, created.actor, created.changes["name"]) == (
        "hostinstitution.create", district_admin, ["", "区卫健局"]
    )  # fmt: skip
    assert (updated.action, updated.changes) == (
        "hostinstitution.update",
        {"name": ["区卫健局", "区卫生健康局"]},
    )
    assert (deleted.action, deleted.changes["name"]) == ("hostinstitution.delete", ["区卫生健康局", ""])


def test_a_change_that_changes_nothing_writes_no_audit_row(client, district_admin):
    host = HostInstitution.objects.create(name="区教育局")
    client.force_login(district_admin)
    change = reverse("admin:positions_hostinstitution_change", args=[host.pk])
    assert client.post(change, {"name": "区教育局"}).status_code == 302
    assert not AuditEntry.objects.filter(target_type="positions.hostinstitution").exists()


def test_a_team_member_added_in_the_teams_inline_is_audited(client, district_admin, network):
    team = ServiceTeam.objects.create(organization=make_organization(), name="康复训练队")
    client.force_login(district_admin)
    response = client.post(
        reverse("admin:projects_serviceteam_change", args=[team.pk]),
        {
            "organization": team.organization_id, "name": team.name, "speciality": "",
            "members-TOTAL_FORMS": "1", "members-INITIAL_FORMS": "0",
            "members-0-name": "李康复", "members-0-role": "康复师", "members-0-team": team.pk,
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    member = team.members.get()
    entry = AuditEntry.objects.get(action="teammember.create")
    assert entry.target_id == str(member.pk) and entry.changes["name"] == ["", "李康复"]


def test_the_auditor_sees_reference_data_but_cannot_change_it(client, auditor):
    host = HostInstitution.objects.create(name="区民政局")
    client.force_login(auditor)
    change = reverse("admin:positions_hostinstitution_change", args=[host.pk])
    assert 'name="_save"' not in client.get(change).content.decode()
    assert client.post(change, {"name": "改名"}).status_code == 403
    assert HostInstitution.objects.get(pk=host.pk).name == "区民政局"
