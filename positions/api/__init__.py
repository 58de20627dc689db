"""/api/v1/ endpoints of the positions app; each area module has a `register(router)`."""

from . import allowance, assessment, network, workforce


def register(router) -> None:
    for area in (network, workforce, assessment, allowance):
        area.register(router)
