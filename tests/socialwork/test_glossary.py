"""Issue 18, point 2: the key screens speak the glossary's words (socialwork/glossary.py), in
Chinese and in English, and not the wrong synonyms a translator reaches for."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casework import services as case_services
from projects import services as project_services
from projects.models import Call, Procurement, Project
from socialwork.glossary import GLOSSARY
from socialwork.roles import Role
from tests.casework.factories import make_case
from tests.factories import make_user
from tests.positions.test_workforce import make_position, make_worker
from tests.projects.factories import make_budget, make_call, make_organization, make_project
from training.models import HoursRequirement

TODAY = timezone.localdate()
SCREENS = sorted({screen for term in GLOSSARY for screen in term.screens})


def visible_text(html: str) -> str:
    """The page's own content (not the menu, whose words are every page's), as a reader sees it."""
    body = html[html.find("<body") :]
    if '<main class="content">' in body:
        body = body[body.index("<main") :]
    body = re.sub(r"<script.*?</script>|<style.*?</style>", " ", body, flags=re.S)
    # What a reader sees: text, and the labels of buttons and options.
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


@pytest.fixture
def screens(network, district_admin, social_worker, supervisor, as_user):
    """Each key screen: who looks at it and where."""
    case = make_case(social_worker, supervisor=supervisor)
    worker = make_worker(unit=network.room_a)
    position = make_position(network.posts_a[0], required_level="assistant")
    case_services.transfer_request(
        actor=social_worker, case=case, to_station=network.station_b, reason="搬家"
    )

    org_staff = make_user("org_words", Role.ORG_STAFF, organization=make_organization("启航社工事务所"))
    make_budget()
    project = make_project(
        call=make_call(kind=Call.Kind.PURCHASE),
        community=network.community_a,
        created_by=org_staff,
        organization=org_staff.organization,
        status=Project.Status.APPROVED,
        requested="20000",
        approved="18000",
    )
    procurement = project_services.procurement_open(
        actor=district_admin, project=project, method=Procurement.Method.NEGOTIATION
    )
    bid = project_services.bid_record(
        actor=district_admin, procurement=procurement, organization=org_staff.organization, price="17000"
    )
    project_services.bid_award(actor=district_admin, bid=bid)
    project_services.contract_sign(
        actor=district_admin, project=project, number="HT-2026-01", organization=org_staff.organization,
        amount="17000", starts_on=TODAY - timedelta(days=10), ends_on=TODAY + timedelta(days=200),
        signed_on=TODAY - timedelta(days=10), milestones=[("启动", TODAY, "5000")],
    )  # fmt: skip
    HoursRequirement.objects.create(year=TODAY.year, hours=20)
    superuser = make_user("root", is_superuser=True, is_staff=True)
    del worker
    return {
        "case": (social_worker, reverse("casework:case_detail", args=[case.pk])),
        "cases": (social_worker, reverse("casework:case_list")),
        "positions": (district_admin, reverse("positions:position_list")),
        "position": (district_admin, position.get_absolute_url()),
        "workers": (district_admin, reverse("positions:worker_list")),
        "hours": (district_admin, reverse("training:hours")),
        "project": (district_admin, reverse("projects:project_detail", args=[project.pk])),
        "calls": (district_admin, reverse("projects:call_list")),
        "admin": (superuser, "/admin/"),
        "sessions": (superuser, "/admin/sessions/session/"),
    }


def rendered(as_user, screens, language: str) -> dict[str, str]:
    pages = {}
    for key, (user, url) in screens.items():
        user.language = language
        user.save(update_fields=["language"])
        client = as_user(user)
        client.cookies["django_language"] = language
        response = client.get(url)
        assert response.status_code == 200, (key, url)
        pages[key] = visible_text(response.content.decode())
    return pages


def test_every_screen_of_the_glossary_is_rendered(screens):
    assert set(SCREENS) <= set(screens)


def test_the_chinese_screens_use_the_glossarys_words_and_not_the_wrong_ones(as_user, screens, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    pages = rendered(as_user, screens, "zh-hans")
    missing, wrong = [], []
    for term in GLOSSARY:
        for screen in term.screens:
            if term.zh not in pages[screen]:
                missing.append(f"{term.zh} ({term.en}) on {screen}")
            for word in term.not_zh:
                if word in pages[screen]:
                    wrong.append(f"{word} instead of {term.zh} ({term.en}) on {screen}")
    assert not missing and not wrong, "\n".join([*missing, *wrong])


def test_the_english_screens_use_the_glossarys_english(as_user, screens):
    pages = rendered(as_user, screens, "en")
    missing = [
        f"{term.en} ({term.zh}) on {screen}: none of {term.en_shown}"
        for term in GLOSSARY
        for screen in term.screens
        if not any(shown in pages[screen] for shown in term.en_shown or (term.en,))
    ]
    assert not missing, "\n".join(missing)
    # Only the records' own names (a unit, a person, a project) are Chinese in English.
    names = sorted(record_names(), key=len, reverse=True)
    leaks = []
    for screen in SCREENS:
        text = pages[screen]
        for name in names:
            text = text.replace(name, " ")
        leaks += [f"{term.zh} on {screen}" for term in GLOSSARY if term.zh in text]
    assert not leaks, "\n".join(leaks)


def record_names() -> set[str]:
    from casework.models import Client
    from positions.models import Position, Region, ServiceUnit, SocialWorker
    from projects.models import SocialOrganization

    names = set()
    for model, field in (
        (Region, "name"), (ServiceUnit, "name"), (SocialWorker, "name"), (Position, "title"), (Client, "name"),
        (Project, "title"), (Call, "title"), (SocialOrganization, "name"),
    ):  # fmt: skip
        names |= set(model.objects.values_list(field, flat=True))
    return names
