"""/api/v1/ endpoints of the positions app; each area module has a `register(router)`."""

from . import allowance, assessment, honours, network, registration, workforce


def register(router) -> None:
    for area in (network, workforce, honours, assessment, allowance, registration):
        area.register(router)
