"""A worker's date of birth and gender are those of the ID number (GB 11643), at every door: the
form, the API and the import. A blank one is read from the number; one that contradicts it is an
error on that field, in the person's language."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from positions.models import CertificateLevel, SocialWorker
from positions.services import workforce as services
from socialwork.idnumbers import check_character
from socialwork.imports import reading as importing
from socialwork.imports import services as imports


def id_number(born: str = "19850505", sequence: str = "135") -> str:
    """An odd 17th digit is a man, an even one a woman."""
    first17 = f"420506{born}{sequence}"
    return first17 + check_character(first17)


MAN_1985 = id_number("19850505", "135")
WOMAN_1990 = id_number("19901101", "124")


def form_data(**overrides) -> dict:
    data = {"name": "钱七", "gender": "male", "birth_date": "1985-05-05", "id_number": MAN_1985,
            "certificate_level": CertificateLevel.NONE, "status": "active"}  # fmt: skip
    data.update(overrides)
    return data


# The one rule


def test_the_service_fills_a_blank_birth_date_and_gender_from_the_id_number(district_admin, network):
    worker = services.worker_save(actor=district_admin, name="钱七", id_number=WOMAN_1990)
    assert (worker.birth_date, worker.gender) == (date(1990, 11, 1), "female")


def test_the_service_refuses_a_birth_date_and_gender_the_id_number_contradicts(district_admin, network):
    with pytest.raises(ValidationError) as raised:
        services.worker_save(
            actor=district_admin,
            name="钱七",
            id_number=MAN_1985,
            gender="female",
            birth_date=date(1985, 5, 6),
        )
    assert set(raised.value.message_dict) == {"birth_date", "gender"}
    assert not SocialWorker.objects.exists()


def test_a_new_id_number_carries_its_birth_date_and_gender_along(district_admin, network):
    worker = services.worker_save(actor=district_admin, name="钱七", id_number=MAN_1985)
    worker = services.worker_save(actor=district_admin, worker=worker, id_number=WOMAN_1990)
    assert (worker.birth_date, worker.gender) == (date(1990, 11, 1), "female")


# The form


def test_the_worker_form_shows_the_contradiction_on_the_field_in_chinese(
    as_user, district_admin, network, settings
):
    settings.LANGUAGE_CODE = "zh-hans"
    response = as_user(district_admin).post(
        reverse("positions:worker_create"), form_data(gender="female", birth_date="1985-05-06")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["birth_date"] == ["身份证号显示为1985-05-05。"]
    assert errors["gender"] == ["身份证号显示为男。"]
    assert not SocialWorker.objects.exists()


def test_the_worker_form_reads_a_blank_birth_date_and_gender_from_the_id_number(
    as_user, district_admin, network
):
    response = as_user(district_admin).post(
        reverse("positions:worker_create"), form_data(gender="", birth_date="", id_number=WOMAN_1990)
    )
    assert response.status_code == 302
    worker = SocialWorker.objects.get()
    assert (worker.birth_date, worker.gender) == (date(1990, 11, 1), "female")


def test_editing_a_worker_keeps_the_rule(as_user, district_admin, network):
    worker = services.worker_save(actor=district_admin, name="钱七", id_number=MAN_1985)
    response = as_user(district_admin).post(
        reverse("positions:worker_update", args=[worker.pk]), form_data(birth_date="1985-05-04")
    )
    assert response.status_code == 200 and response.context["form"].errors["birth_date"]
    worker.refresh_from_db()
    assert worker.birth_date == date(1985, 5, 5)


# The API


def test_the_api_answers_400_under_the_contradicted_field(api, district_admin, network):
    response = api(district_admin).post(
        "/api/v1/workers/", {"name": "钱七", "id_number": MAN_1985, "gender": "female"}, format="json"
    )
    assert response.status_code == 400 and set(response.json()) == {"gender"}
    assert not SocialWorker.objects.exists()


def test_the_api_fills_a_missing_birth_date_and_gender(api, district_admin, network):
    response = api(district_admin).post(
        "/api/v1/workers/", {"name": "钱七", "id_number": WOMAN_1990}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["birth_date"], response.json()["gender"]) == ("1990-11-01", "female")


# The import


def test_the_import_fills_a_blank_gender_and_birth_date(district_admin, network):
    rows = [{"name": "张丽", "gender": "", "id_number": WOMAN_1990, importing.ROW: 2}]
    assert imports.import_preview(actor=district_admin, kind="workers", rows=rows).ok
    [(_row, worker)] = imports.import_commit(actor=district_admin, kind="workers", rows=rows).created
    assert (worker.birth_date, worker.gender) == (date(1990, 11, 1), "female")
