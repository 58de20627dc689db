"""Access grants: one more person may see one case, for a reason, for a few days. A district
administrator asks; a second district administrator, neither the asker nor the person, approves
or declines; until then the request opens nothing. Each step is one transaction with its audit
row, and the people concerned are told by notification, naming the case by its number only."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import notifications
from casework.models import AccessGrant, Case, CaseworkPolicy
from casework.selectors import district_administrators_over, grant_case_in_reach, grants_visible_to
from socialwork.local_rules import reading_place
from socialwork.services import audit_record, notification_send

REQUEST_KIND = notifications.ACCESS_REQUEST
GRANT_KIND = notifications.ACCESS_GRANT


def _require_district(actor, permission: str, message: str) -> None:
    if not (actor.is_district_wide and actor.has_perm(permission)):
        raise ValidationError(message)


def grant_approvers(case: Case, *, exclude=()) -> list:
    """The district administrators who may decide on a request for `case`: active, placed in a
    region that holds the case's station."""
    people = district_administrators_over(case.station.region)
    return list(people.exclude(pk__in=[person.pk for person in exclude]))


def _tell(people, *, kind: str, key: str, title, url: str = "") -> None:
    told = set()
    for person in people:
        if person is None or not person.is_active or person.pk in told:
            continue
        told.add(person.pk)
        notification_send(user=person, kind=kind, key=f"{key}:{person.pk}", title=title, url=url)


def access_request(*, actor, case_number: str, user, reason: str, expires_on: date) -> AccessGrant:
    """A district administrator asks that `user` may see the case with this number until a day,
    for a reason. Nobody asks for themselves; the day lies within the policy's longest grant. An
    unknown number and a case outside the asker's district get the same answer, by the same
    single query. The request opens nothing until a second administrator approves it."""
    _require_district(
        actor, "casework.add_accessgrant", _("Only district administrators ask for access to a case.")
    )
    errors = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Say why access is needed.")
    if user is not None and user.pk == actor.pk:
        errors["user"] = _("Nobody is granted access by their own request: name someone else.")
    today = timezone.localdate()
    case = grant_case_in_reach(user=actor, number=case_number)
    # The longest grant of the case's own district (of the asker's place while no case is found).
    longest = CaseworkPolicy.at(
        case.station.region if case is not None else reading_place(actor)
    ).grant_max_days
    if expires_on < today:
        errors["expires_on"] = _("The grant must last until today or later.")
    elif expires_on > today + timedelta(days=longest):
        errors["expires_on"] = _("A grant lasts at most %(days)d days: until %(day)s at the latest.") % {
            "days": longest,
            "day": (today + timedelta(days=longest)).isoformat(),
        }
    if errors:
        raise ValidationError(errors)
    if case is None:
        raise ValidationError({"case_number": _("No case with this number is in your district.")})
    with transaction.atomic():
        if AccessGrant.objects.filter(case=case, user=user, status=AccessGrant.Status.REQUESTED).exists():
            raise ValidationError({"user": _("A request for this person and case already waits.")})
        grant = AccessGrant.objects.create(
            case=case, user=user, reason=reason, expires_on=expires_on, requested_by=actor
        )
        audit_record(
            actor=actor, action="case.access_request", target=case, summary=str(case),
            changes={"grant": grant.pk, "user": user.pk, "until": expires_on.isoformat(), "reason": reason},
        )  # fmt: skip
        _tell(
            grant_approvers(case, exclude=[actor, user]),
            kind=REQUEST_KIND,
            key=f"casework:access-request:{grant.pk}",
            title=gettext_lazy("Access to case %(number)s waits for your approval") % {"number": case.number},
            url=_grants_url(),
        )
    return grant


def _grants_url() -> str:
    from django.urls import reverse

    return reverse("casework:grant_list")


def _locked_grant(*, actor, grant: AccessGrant) -> AccessGrant:
    if not grants_visible_to(user=actor).filter(pk=grant.pk).exists():
        raise ValidationError(_("This access grant is outside your district."))
    return (
        AccessGrant.objects.select_for_update(of=("self",))
        .select_related("case", "case__worker", "case__supervisor", "user", "requested_by")
        .get(pk=grant.pk)
    )


def access_decide(*, actor, grant: AccessGrant, approve: bool, comment: str = "") -> AccessGrant:
    """A second district administrator approves or declines a waiting request: neither the one
    who asked nor the person it names. A declined request says why. On approval the person, the
    asker and the case's worker and supervisor are told; on refusal, the asker."""
    _require_district(
        actor, "casework.change_accessgrant", _("Only district administrators decide on access to a case.")
    )
    comment = (comment or "").strip()
    with transaction.atomic():
        grant = _locked_grant(actor=actor, grant=grant)
        if grant.status != AccessGrant.Status.REQUESTED:
            raise ValidationError(_("This request is not waiting for a decision."))
        if actor.pk in (grant.requested_by_id, grant.user_id):
            raise ValidationError(
                _("A second district administrator decides: not the one who asked, nor the person named.")
            )
        if not approve and not comment:
            raise ValidationError({"comment": _("Say why the request is declined.")})
        if approve and grant.expires_on < timezone.localdate():
            raise ValidationError(_("This request has run past its last day; ask again."))
        grant.status = AccessGrant.Status.APPROVED if approve else AccessGrant.Status.DECLINED
        grant.decided_by, grant.decided_at, grant.decision_comment = actor, timezone.now(), comment[:200]
        grant.save(update_fields=["status", "decided_by", "decided_at", "decision_comment", "updated_at"])
        case = grant.case
        audit_record(
            actor=actor, action="case.access_approve" if approve else "case.access_decline", target=case,
            summary=str(case), changes={"grant": grant.pk, "user": grant.user_id, "comment": comment},
        )  # fmt: skip
        values = {"number": case.number, "user": grant.user, "day": grant.expires_on.isoformat()}
        key = f"casework:access-decision:{grant.pk}"
        if approve:
            _tell([grant.user], kind=GRANT_KIND, key=key, url=case.get_absolute_url(),
                  title=gettext_lazy("You may see case %(number)s until %(day)s") % values)  # fmt: skip
            told = gettext_lazy("%(user)s may see case %(number)s until %(day)s") % values
            _tell(
                [case.worker, case.supervisor],
                kind=GRANT_KIND,
                key=key,
                title=told,
                url=case.get_absolute_url(),
            )
            _tell([grant.requested_by], kind=GRANT_KIND, key=key, title=told, url=_grants_url())
        else:
            _tell([grant.requested_by], kind=GRANT_KIND, key=key, url=_grants_url(),
                  title=gettext_lazy("The request for access to case %(number)s was declined") % values)  # fmt: skip
    return grant


def access_revoke(*, actor, grant: AccessGrant) -> AccessGrant:
    """A district administrator ends an approved grant, or withdraws a waiting request, at once.
    Those who were told of the grant are told it ended."""
    _require_district(
        actor, "casework.change_accessgrant", _("Only district administrators revoke access to a case.")
    )
    with transaction.atomic():
        grant = _locked_grant(actor=actor, grant=grant)
        if grant.status not in (AccessGrant.Status.REQUESTED, AccessGrant.Status.APPROVED):
            return grant
        was_approved = grant.status == AccessGrant.Status.APPROVED
        grant.status, grant.revoked_by, grant.revoked_at = AccessGrant.Status.REVOKED, actor, timezone.now()
        grant.save(update_fields=["status", "revoked_by", "revoked_at", "updated_at"])
        case = grant.case
        audit_record(actor=actor, action="case.revoke", target=case, summary=str(case),
                     changes={"grant": grant.pk, "user": grant.user_id})  # fmt: skip
        if was_approved:
            _tell([grant.user, case.worker, case.supervisor], kind=GRANT_KIND,
                  key=f"casework:access-revoke:{grant.pk}",
                  title=gettext_lazy("The access of %(user)s to case %(number)s was revoked")
                  % {"number": case.number, "user": grant.user})  # fmt: skip
    return grant
