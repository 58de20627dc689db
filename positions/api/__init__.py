"""/api/v1/ endpoints of the positions app; each area module has a `register(router)`."""

from . import network, workforce


def register(router) -> None:
    for area in (network, workforce):
        area.register(router)
