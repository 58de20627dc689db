"""/api/v1/ endpoints of the positions app; each area module has a `register(router)`."""

from . import allowance, assessment, honours, network, workforce


def register(router) -> None:
    for area in (network, workforce, honours, assessment, allowance):
        area.register(router)
