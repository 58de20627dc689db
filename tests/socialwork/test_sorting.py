"""Names with numbers in their natural order: 第1期, 第2期 … 第10期, on the pages and in the API
(training series, position codes), through the one rule in socialwork.sorting."""

from django.urls import reverse
from django.utils import timezone

from positions.models import HostInstitution, Position
from socialwork.sorting import natural_key
from training.models import TrainingSeries

TITLES = ["实务技能培训第10期", "实务技能培训第2期", "实务技能培训第1期", "实务技能培训第21期"]
NATURAL = ["实务技能培训第1期", "实务技能培训第2期", "实务技能培训第10期", "实务技能培训第21期"]


def test_the_key_compares_runs_of_digits_as_numbers():
    assert sorted(TITLES, key=natural_key) == NATURAL
    assert sorted(["P-10", "P-9", "Q-1", "P-100"], key=natural_key) == ["P-9", "P-10", "P-100", "Q-1"]


def test_the_series_list_runs_from_the_first_to_the_tenth(as_user, district_admin, network):
    for title in TITLES:
        TrainingSeries.objects.create(
            title=title, category=TrainingSeries.Category.PRACTICAL_SKILLS, year=timezone.localdate().year,
            unit=network.centre,
        )  # fmt: skip
    client = as_user(district_admin)
    listed = [s.title for s in client.get(reverse("training:series_list")).context["page"]]
    assert listed == NATURAL
    by_title = client.get(reverse("training:series_list"), {"ordering": "-title"}).context["page"]
    assert [s.title for s in by_title] == NATURAL[::-1]


def test_position_codes_sort_naturally_on_the_page_and_in_the_api(as_user, api, district_admin, network):
    host = HostInstitution.objects.get_or_create(name="民政")[0]
    for code in ("SQ-10", "SQ-9", "SQ-1", "SQ-100"):
        Position.objects.create(
            code=code,
            title="网格社工",
            unit=network.posts_a[0],
            host=host,
            category="grid",
            setup_mode="contract",
        )
    page = as_user(district_admin).get(reverse("positions:position_list")).context["page"]
    assert [p.code for p in page] == ["SQ-1", "SQ-9", "SQ-10", "SQ-100"]
    listed = api(district_admin).get("/api/v1/positions/", {"ordering": "-code"}).json()["results"]
    assert [p["code"] for p in listed] == ["SQ-100", "SQ-10", "SQ-9", "SQ-1"]
