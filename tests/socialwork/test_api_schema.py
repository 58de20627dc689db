import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient


def test_openapi_schema_is_valid_and_lists_the_endpoints():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)  # raises on an invalid OpenAPI 3 document
    assert {"/api/v1/regions/", "/api/v1/units/", "/api/v1/units/{id}/"} <= set(schema["paths"])


@pytest.mark.django_db
def test_schema_and_docs_are_served_locally_to_logged_in_users(district_admin):
    client = APIClient()
    assert client.get("/api/schema/").status_code in (401, 403)
    client.force_authenticate(district_admin)
    assert client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").status_code == 200
    docs = client.get("/api/docs/").content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist" in docs
    assert "cdn" not in docs.lower()


@pytest.mark.django_db
def test_api_validation_errors_of_a_service_become_field_errors(district_admin, network):
    client = APIClient()
    client.force_authenticate(district_admin)
    response = client.post(
        "/api/v1/regions/", {"name": "村", "code": "X1", "level": "village", "parent": network.district.pk}
    )
    assert response.status_code == 400 and "parent" in response.json()
