"""Dates, times and numbers are written into a form as the browser's HTML5 inputs keep them, in
every language: an `<input type="date">` holding `2014/11/01` is emptied by the browser, and
saving the form unchanged then stores no date (socialwork/widgets.py)."""

import ast
import importlib
import inspect
import pkgutil
import re
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path

import django_filters
import pytest
from django import forms
from django.utils import translation

from positions.models import HostInstitution, Position, SocialWorker
from socialwork.widgets import HTML5_VALUE, Textarea

pytestmark = pytest.mark.django_db


def input_value(html: str, name: str) -> str | None:
    for tag in re.findall(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html):
        found = re.search(r'value="([^"]*)"', tag)
        return found.group(1) if found else None
    raise AssertionError(f"no input {name}")


@pytest.fixture(params=["zh-hans", "en"])
def language(request, settings):
    settings.LANGUAGE_CODE = request.param
    with translation.override(request.param):
        yield request.param


def test_position_edit_form_fills_the_established_date_as_the_browser_keeps_it(
    language, network, district_admin, as_user
):
    position = Position.objects.create(
        code="P-1", title="网格社工", unit=network.posts_a[0], host=HostInstitution.objects.get_or_create(name="民政")[0],
        category="grid", setup_mode="contract", quota=1, established_on=date(2014, 11, 1),
    )  # fmt: skip
    html = as_user(district_admin).get(f"/positions/{position.pk}/edit/").content.decode()
    assert input_value(html, "established_on") == "2014-11-01"


def test_worker_edit_form_fills_the_birth_date_as_the_browser_keeps_it(
    language, network, district_admin, as_user
):
    worker = SocialWorker.objects.create(
        name="叶明", gender="male", birth_date=date(1988, 8, 8), employer_unit=network.room_a,
        registered_on=date(2015, 3, 2),
    )  # fmt: skip
    html = as_user(district_admin).get(f"/workers/{worker.pk}/edit/").content.decode()
    assert input_value(html, "birth_date") == "1988-08-08"
    assert input_value(html, "registered_on") == "2015-03-02"


def test_unit_edit_form_fills_the_established_date_as_the_browser_keeps_it(
    language, network, district_admin, as_user
):
    network.station_a.established_on = date(2014, 11, 1)
    network.station_a.save(update_fields=["established_on"])
    html = as_user(district_admin).get(f"/network/units/{network.station_a.pk}/edit/").content.decode()
    assert input_value(html, "established_on") == "2014-11-01"


# Every form of the application, held to the rule.

APPS = ("socialwork", "positions", "training", "projects", "casework", "reports")
SKIPPED_PACKAGES = (".migrations", ".management", ".settings", ".templatetags")
SAMPLES = [
    (forms.DateTimeField, datetime(2014, 11, 1, 9, 5, tzinfo=UTC)),
    (forms.DateField, date(2014, 11, 1)),
    (forms.TimeField, time(9, 5)),
    (forms.DecimalField, Decimal("1290000.50")),
    (forms.FloatField, 1290000.5),
    (forms.IntegerField, 1290000),
]


def project_modules():
    for app in APPS:
        package = importlib.import_module(app)
        yield package
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if not any(part in module.name for part in SKIPPED_PACKAGES):
                yield importlib.import_module(module.name)


def project_forms():
    """Every form class and filter set defined in the project's modules, with its fields."""
    seen = set()
    for module in project_modules():
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls in seen or not cls.__module__.startswith(APPS):
                continue
            seen.add(cls)
            if issubclass(cls, forms.BaseForm):
                yield cls, dict(cls.base_fields)
            elif issubclass(cls, django_filters.FilterSet) and cls._meta.model is not None:
                yield cls, {name: f.field for name, f in cls.base_filters.items()}


def test_the_walk_finds_the_forms_it_must():
    found = {cls.__name__ for cls, _fields in project_forms()}
    assert {"PositionForm", "SocialWorkerForm", "ServiceUnitForm", "TrainingSessionForm", "CallForm"} <= found


@pytest.mark.parametrize("language_code", ["zh-hans", "en"])
def test_every_form_writes_dates_times_and_numbers_as_the_browser_keeps_them(language_code, settings):
    settings.LANGUAGE_CODE = language_code
    lost = []
    with translation.override(language_code):
        for cls, fields in project_forms():
            for name, field in fields.items():
                input_type = getattr(field.widget, "input_type", None)
                keeps = HTML5_VALUE.get(input_type)
                sample = next((value for kind, value in SAMPLES if isinstance(field, kind)), None)
                if keeps is None or sample is None:
                    continue
                written = field.widget.format_value(field.prepare_value(sample))
                if not re.fullmatch(keeps, str(written)):
                    lost.append(
                        f"{cls.__module__}.{cls.__name__}.{name}: {written!r} in <input type={input_type}>"
                    )
    assert not lost, "the browser empties these inputs:\n" + "\n".join(lost)


WIDGETS_DJANGO = {"DateInput", "DateTimeInput", "TimeInput", "NumberInput", "Textarea"}


def test_html5_inputs_come_from_socialwork_widgets():
    """Fields a form adds as it is built escape the walk above; their widgets are read from the
    source: Django's date, time and number inputs, or an input typed date, are used only in
    socialwork/widgets.py."""
    root = Path(__file__).resolve().parents[2]
    found = []
    for app in APPS:
        for path in (root / app).rglob("*.py"):
            if path == root / "socialwork" / "widgets.py" or "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(), str(path))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Attribute) and node.attr in WIDGETS_DJANGO
                    and isinstance(node.value, ast.Name) and node.value.id in {"forms", "widgets"}
                ):  # fmt: skip
                    found.append(f"{path.relative_to(root)}:{node.lineno} forms.{node.attr}")
                if isinstance(node, ast.keyword) and node.arg == "localize":
                    found.append(f"{path.relative_to(root)}:{node.lineno} localize=")
                if isinstance(node, ast.Dict):
                    for key, value in zip(node.keys, node.values, strict=True):
                        if (
                            isinstance(key, ast.Constant) and key.value == "type"
                            and isinstance(value, ast.Constant) and value.value in HTML5_VALUE
                        ):  # fmt: skip
                            found.append(f"{path.relative_to(root)}:{node.lineno} type={value.value}")
    assert not found, "use socialwork.widgets instead:\n" + "\n".join(found)


def test_a_text_of_several_lines_is_saved_with_the_line_breaks_it_was_shown_with(
    network, district_admin, as_user
):
    """A browser sends a textarea's line breaks as CRLF; saved as such, a text written through the
    API or an import (LF) would change every time its page is saved unchanged."""
    position = Position.objects.create(
        code="P-2", title="网格社工", unit=network.posts_a[0], host=HostInstitution.objects.get_or_create(name="民政")[0],
        category="grid", setup_mode="contract", quota=1, duties="第一行\n第二行",
    )  # fmt: skip
    data = {
        "code": "P-2", "title": "网格社工", "unit": network.posts_a[0].pk, "host": position.host_id,
        "category": "grid", "setup_mode": "contract", "quota": 1, "required_level": "none", "status": "active",
        "duties": "第一行\r\n第二行",
    }  # fmt: skip
    response = as_user(district_admin).post(f"/positions/{position.pk}/edit/", data)
    assert response.status_code == 302
    position.refresh_from_db()
    assert position.duties == "第一行\n第二行"


def test_every_textarea_keeps_line_breaks_as_they_were():
    plain = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls, fields in project_forms()
        for name, field in fields.items()
        if isinstance(field.widget, forms.Textarea) and not isinstance(field.widget, Textarea)
    ]
    assert not plain, "use socialwork.widgets.Textarea:\n" + "\n".join(plain)
