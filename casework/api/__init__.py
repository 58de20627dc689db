"""/api/v1/clients/, cases/ (with notes, plans, referrals and follow-ups), groups/, activities/,
volunteers/ and advocacy/."""

from . import advocacy, cases, clients, community, groups, merges, subject_requests


def register(router) -> None:
    for module in (clients, cases, groups, community, advocacy, subject_requests, merges):
        module.register(router)
