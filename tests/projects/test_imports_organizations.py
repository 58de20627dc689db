import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from positions.models import Region
from projects.demo_imports import legacy_rows
from projects.models import ServiceTeam, SocialOrganization
from socialwork.creditcodes import check_character
from socialwork.imports import reading, services
from socialwork.imports.registry import get
from socialwork.models import AuditEntry
from tests.factories import make_region
from tests.positions.test_imports import reasons_by_row, xlsx
from tests.projects.factories import make_organization

HEADERS = ["名称", "统一社会信用代码", "登记/备案", "评估等级", "评估年份", "服务领域", "登记日期", "法定代表人",
           "联系人", "联系电话", "专业服务团队"]  # fmt: skip


def rows_of(upload):
    upload.seek(0)
    return reading.read_rows(upload, kind="organizations")


def code(serial: str = "0000001") -> str:
    first17 = f"52420506MJ{serial}"
    return first17 + check_character(first17)


def row(name, credit_code, **overrides):
    values = {"名称": name, "统一社会信用代码": credit_code, "登记/备案": "登记", "评估等级": "4A", "评估年份": 2023,
              "服务领域": "养老、青少年", "登记日期": "2015.3.1", "法定代表人": "王理事长", "联系人": "李主任",
              "联系电话": "0717-6221234", "专业服务团队": "康复训练队（康复）、法律服务队"}  # fmt: skip
    values.update(overrides)
    return [values[header] for header in HEADERS]


def test_good_file_imports_organizations_with_their_teams_through_the_services(district_admin, network):
    rows = rows_of(
        xlsx(
            [*HEADERS, "所在区域"],
            [
                [*row("阳光社工服务中心 ", code("0000001")), "甲镇"],
                [
                    *row(
                        "夕阳红志愿者协会",
                        "",
                        **{"登记/备案": "备案", "评估等级": "", "评估年份": "", "专业服务团队": ""},
                    ),
                    "",
                ],  # fmt: skip
            ],
        )
    )
    preview = services.import_preview(actor=district_admin, kind="organizations", rows=rows)
    assert preview.ok, preview.problems
    recorder = services.import_commit(actor=district_admin, kind="organizations", rows=rows)

    sun = SocialOrganization.objects.get(credit_code=code("0000001"))
    assert sun.name == "阳光社工服务中心"
    assert (sun.registration, sun.grade, sun.grade_year) == ("registered", "4A", 2023)
    assert sun.service_areas == ["youth", "elderly"]
    assert sun.registered_on == date(2015, 3, 1)
    assert sun.legal_representative == "王理事长" and sun.region == network.town_a
    assert sorted(sun.teams.values_list("name", "speciality")) == [("康复训练队", "康复"), ("法律服务队", "")]
    filed = SocialOrganization.objects.get(name="夕阳红志愿者协会")
    assert (filed.registration, filed.credit_code, filed.grade) == ("filed", "", "")
    # Every record written is told to the recorder: the organizations and their teams.
    assert len(recorder.created) == 4
    assert AuditEntry.objects.filter(action="organization.create").count() == 2
    assert AuditEntry.objects.filter(action="organization.teams_add", target_id=str(sun.pk)).exists()


def test_every_bad_row_is_explained(district_admin, network):
    make_organization("在册机构", credit_code=code("0000009"))
    bad_check = code("0000002")[:17] + ("0" if code("0000002")[17] != "0" else "1")
    rows = rows_of(
        xlsx(
            HEADERS,
            [
                row("甲", code("0000001")),  # 2: good
                row("乙", bad_check),  # 3: check character
                row("丙", "1234"),  # 4: too short
                row("丁", code("0000003"), 评估等级="6A", 服务领域="养老、火星探索"),  # 5
                row("戊", code("0000001")),  # 6: repeats row 2's code
                row("在册机构", code("0000004")),  # 7: that name is another code's
                row("己", code("0000005"), 登记日期="2099-01-01", 评估年份=1980),  # 8
                row("", code("0000006")),  # 9: no name
            ],
        )
    )
    reasons = reasons_by_row(services.import_preview(actor=district_admin, kind="organizations", rows=rows))
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9]
    assert "check character" in reasons[3]
    assert "18 characters" in reasons[4]
    assert "6A" in reasons[5] and "火星探索" in reasons[5]
    assert "row 2" in reasons[6]
    assert code("0000009") in reasons[7]
    assert "future" in reasons[8] and "1980" in reasons[8]
    assert "name" in reasons[9] and "required" in reasons[9]
    assert not SocialOrganization.objects.exclude(name="在册机构").exists()


def test_reasons_read_in_chinese(district_admin, network):
    rows = rows_of(xlsx(HEADERS, [row("乙", "91420506MA49XXXXX1")]))
    with translation.override("zh-hans"):
        reasons = reasons_by_row(
            services.import_preview(actor=district_admin, kind="organizations", rows=rows)
        )
    assert reasons[2].startswith("统一社会信用代码")


@pytest.mark.parametrize("choice", ["update", "skip", "stop"])
def test_an_organization_on_record_is_found_by_credit_code_and_offered(district_admin, network, choice):
    old = make_organization("旧名称", credit_code=code("0000001"), grade="3A")
    ServiceTeam.objects.create(organization=old, name="康复训练队")
    rows = rows_of(xlsx(HEADERS, [row("新名称", code("0000001")), row("新机构", code("0000002"))]))

    preview = services.import_preview(actor=district_admin, kind="organizations", rows=rows)
    assert [(d.row, d.identity, d.record) for d in preview.duplicates] == [(2, code("0000001"), "旧名称")]
    if choice == "stop":
        with pytest.raises(ValidationError, match="already on record"):
            services.import_commit(actor=district_admin, kind="organizations", rows=rows, on_duplicate=choice)
        assert SocialOrganization.objects.count() == 1
        return
    services.import_commit(actor=district_admin, kind="organizations", rows=rows, on_duplicate=choice)
    old.refresh_from_db()
    assert SocialOrganization.objects.count() == 2
    if choice == "update":
        assert (old.name, old.grade) == ("新名称", "4A")
        # A team already held is kept once; the new one is added.
        assert sorted(old.teams.values_list("name", flat=True)) == ["康复训练队", "法律服务队"]
    else:
        assert (old.name, old.grade) == ("旧名称", "3A")


def test_an_organization_filed_without_a_code_is_found_by_name(district_admin, network):
    make_organization("夕阳红志愿者协会", registration="filed")
    rows = rows_of(xlsx(HEADERS, [row("夕阳红志愿者协会", code("0000001"))]))
    preview = services.import_preview(actor=district_admin, kind="organizations", rows=rows)
    assert [d.record for d in preview.duplicates] == ["夕阳红志愿者协会"]
    services.import_commit(actor=district_admin, kind="organizations", rows=rows, on_duplicate="update")
    assert SocialOrganization.objects.get().credit_code == code("0000001")


def test_only_the_district_imports_organizations(station_manager, district_admin, network):
    assert get("organizations").allowed(district_admin)
    assert not get("organizations").allowed(station_manager)


def test_a_place_outside_the_district_is_refused(district_admin, network):
    rows = rows_of(xlsx([*HEADERS, "所在区域"], [[*row("甲", code("0000001")), "火星镇"]]))
    reasons = reasons_by_row(services.import_preview(actor=district_admin, kind="organizations", rows=rows))
    assert "火星镇" in reasons[2]


def test_preview_queries_do_not_grow_with_rows(district_admin, network, django_assert_max_num_queries):
    rows = rows_of(xlsx(HEADERS, [row(f"机构{i}", code(f"{i:07d}")) for i in range(300)]))
    with django_assert_max_num_queries(5):
        preview = services.import_preview(actor=district_admin, kind="organizations", rows=rows)
    assert preview.good == 300


def test_template_download_has_the_chinese_headers(as_user, district_admin, network, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    response = as_user(district_admin).get(reverse("positions:import_template", args=["organizations"]))
    assert response.status_code == 200
    headers = next(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert list(headers) == [column.zh for column in get("organizations").columns]


def test_legacy_sheet_reads_and_its_wrong_rows_are_explained(district_admin, network):
    make_organization(
        "夷陵区心连心社会工作服务中心001", credit_code="52420506MJH0000018"
    )  # as the demo seeds it
    network.town_a.name = "小溪塔街道"
    network.town_a.save()
    for name in ("龙泉镇", "分乡镇", "鸦鹊岭镇", "三斗坪镇", "雾渡河镇", "乐天溪镇"):
        make_region(name, Region.Level.TOWN, network.district)
    sheet = legacy_rows()["社会组织"]
    workbook = Workbook()
    for line in sheet:
        workbook.active.append(line)
    output = io.BytesIO()
    workbook.save(output)
    rows = rows_of(SimpleUploadedFile("legacy.xlsx", output.getvalue()))
    preview = services.import_preview(actor=district_admin, kind="organizations", rows=rows)
    assert preview.total == len(sheet) - 1
    # As the docstring of projects.demo_imports says.
    assert sorted(reasons_by_row(preview)) == [7, 8, 9, 10, 11, 12]
    assert [d.row for d in preview.duplicates] == [2]
