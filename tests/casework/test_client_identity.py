"""A client's date of birth and gender are those of the ID number when one is given (GB 11643),
at intake, on the client's edit page and in the API: read from it when left blank, an error on
the field when they contradict it."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from casework.models import Client
from socialwork.idnumbers import check_character
from tests.casework.factories import category, make_client

pytestmark = pytest.mark.django_db

MAN_1980 = "42050619800101123" + check_character("42050619800101123")
WOMAN_1952 = "42050619520304124" + check_character("42050619520304124")


def intake(network, **client) -> dict:
    data = {
        "intake-client": "", "client-name": "李奶奶", "client-gender": "", "client-birth_date": "",
        "client-id_number": WOMAN_1952, "client-phone": "", "client-address": "",
        "client-community": network.community_a.pk, "client-categories": [category("elderly_alone").pk],
        "client-consents_to_services": "on", "client-consents_to_data_processing": "on",
        "client-consent_recorded_on": "", "household-TOTAL_FORMS": "0", "household-INITIAL_FORMS": "0",
        "case-intake_on": date.today().isoformat(), "case-source": "walk_in", "case-referred_by": "",
        "case-presenting_problem": "独居，行动不便", "case-risk_level": "medium", "case-supervisor": "",
    }  # fmt: skip
    data.update({f"client-{name}": value for name, value in client.items()})
    return data


def test_the_service_refuses_a_gender_the_id_number_contradicts(social_worker):
    with pytest.raises(ValidationError) as raised:
        make_client(social_worker, id_number=MAN_1980, gender=Client.Gender.FEMALE)
    assert set(raised.value.message_dict) == {"gender"}


def test_intake_reads_the_birth_date_and_gender_from_the_id_number(as_user, social_worker, network):
    response = as_user(social_worker).post(reverse("casework:case_open"), intake(network))
    assert response.status_code == 302, response.context["client_form"].errors
    client = Client.objects.get()
    assert (client.birth_date, client.gender) == (date(1952, 3, 4), "female")


def test_intake_shows_the_contradiction_on_the_field_in_chinese_before_any_look_up(
    as_user, social_worker, network, settings
):
    settings.LANGUAGE_CODE = "zh-hans"
    response = as_user(social_worker).post(
        reverse("casework:case_open"), intake(network, gender="male", birth_date="1952-03-05")
    )
    errors = response.context["client_form"].errors
    assert errors["gender"] == ["身份证号显示为女。"]
    assert errors["birth_date"] == ["身份证号显示为1952-03-04。"]
    assert not Client.objects.exists()


def test_the_api_answers_400_under_gender_and_fills_it_when_missing(api, social_worker, network):
    body = {"name": "陈女士", "community": network.community_a.pk, "id_number": WOMAN_1952,
            "consents_to_data_processing": True}  # fmt: skip
    response = api(social_worker).post("/api/v1/clients/", {**body, "gender": "male"}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"gender"}
    response = api(social_worker).post("/api/v1/clients/", body, format="json")
    assert response.status_code == 201, response.json()
    assert (response.json()["gender"], response.json()["birth_date"]) == ("female", "1952-03-04")


def test_without_an_id_number_the_gender_is_still_asked_for(api, social_worker, network):
    body = {"name": "陈女士", "community": network.community_a.pk, "consents_to_data_processing": True}
    response = api(social_worker).post("/api/v1/clients/", body, format="json")
    assert response.status_code == 400 and "gender" in response.json()
