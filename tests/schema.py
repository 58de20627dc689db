"""What the API's OpenAPI schema promises, for tests that check a response keeps to it."""

from functools import cache

from drf_spectacular.generators import SchemaGenerator


@cache
def components() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]


def nulls_the_schema_forbids(component: str, data: dict) -> list[str]:
    """The fields of `data` that are null where the schema's `component` says they never are."""
    properties = components()[component]["properties"]
    return [name for name, value in data.items() if value is None and not properties[name].get("nullable")]
