"""Writes of clients and the district's case records policy."""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import notifications
from casework.models import Attachment, Case, CaseworkPolicy, Client, HouseholdMember
from casework.selectors import (
    KnownPerson,
    clients_visible_to,
    district_administrators_over,
    known_person,
    station_of,
)
from casework.services.caseload import caseload_refresh
from casework.services.tallies import tallies_kept
from casework.services.versions import version_raise
from positions.models import Region
from socialwork import idnumbers
from socialwork.crypto.stored import files_delete_on_commit
from socialwork.exceptions import RateLimited
from socialwork.local_rules import rule_changed_notify, rule_of_model, rule_place
from socialwork.models import AuditEntry
from socialwork.roles import Role
from socialwork.services import apply_changes, audit_record, notification_send

CLIENT_FIELDS = (
    "name", "gender", "birth_date", "id_number", "phone", "address", "community",
    "consents_to_services", "consents_to_data_processing", "consent_recorded_on",
)  # fmt: skip


def id_digest(id_number: str) -> str:
    """A keyed digest of an ID number (FIELD_DIGEST_KEYS, not the secret key): equal for equal
    numbers, useless without the key. Intake compares digests, so nobody's number is decrypted to
    find a match; a search uses ``socialwork.crypto.fields.digest_q``, which also matches the
    digests made under older keys."""
    return Client._meta.get_field("id_number_digest").compute(id_number)


def access_record(*, actor, target, action: str, ids=None) -> None:
    """Write who viewed, listed or exported which case or client records. The summary names the
    record by number or id only: the audit log never holds a client's name or ID number."""
    summary = str(target) if isinstance(target, Case) else f"#{target.pk}" if target.pk else ""
    audit_record(
        actor=actor, action=action, target=target, summary=summary, changes={"ids": ids} if ids else None
    )


# Intake's look-up of a person already on record


DUPLICATE_CHECK = "client.duplicate_check"
PROBE_REPORT = "client.probe_report"
PROBE_KIND = notifications.INTAKE_PROBE


def client_duplicate_check(
    *, actor, id_number: str = "", name: str = "", birth_date: date | None = None
) -> KnownPerson:
    """Whether a person is already on record in the district (casework.selectors.known_person),
    asked by intake. The answer says something of people the worker may not see, so each check
    is an audit row (who, when, for intake; never the ID number nor the name), a person makes at
    most CASEWORK_DUPLICATE_CHECKS_PER_HOUR of them an hour, and a burst is reported to the
    district. Counted from the audit rows themselves (one indexed count), so every web and
    worker process agrees. Call it outside a transaction that may roll back, or its row goes."""
    now = timezone.now()
    burst_since = now - timedelta(minutes=settings.CASEWORK_DUPLICATE_CHECK_BURST_MINUTES)
    counts = AuditEntry.objects.filter(
        actor=actor, action=DUPLICATE_CHECK, at__gte=min(now - timedelta(hours=1), burst_since)
    ).aggregate(
        hour=Count("pk", filter=Q(at__gte=now - timedelta(hours=1))),
        burst=Count("pk", filter=Q(at__gte=burst_since)),
    )
    if counts["hour"] >= settings.CASEWORK_DUPLICATE_CHECKS_PER_HOUR:
        _report_probe(actor=actor, why="limit")
        raise RateLimited(
            _(
                "You have made the most look-ups of people on record allowed in an hour (%(count)d). "
                "Wait a while before registering the next client; the district administrators can help."
            )
            % {"count": counts["hour"]},
            code="throttled",
        )
    known = known_person(user=actor, id_number=id_number, name=name, birth_date=birth_date)
    audit_record(
        actor=actor, action=DUPLICATE_CHECK, target=actor, summary="intake",
        changes={"purpose": "intake", "by": "id_number" if id_number else "name_and_birth_date",
                 "known_elsewhere": known.elsewhere > 0},
    )  # fmt: skip
    if counts["burst"] + 1 > settings.CASEWORK_DUPLICATE_CHECK_BURST:
        _report_probe(actor=actor, why="burst")
    return known


def client_import_check(
    *, actor, id_number: str, name: str = "", birth_date: date | None = None
) -> KnownPerson:
    """The look-up of `client_duplicate_check` for one row of an import (casework.imports): the
    same answer (`known_person`), so that an imported client is flagged `known_elsewhere` as one
    registered by hand would be, and the same audit row, marked as an import. Not counted against
    the hourly limit of intake: a station's register comes in at once. The import shows nothing of
    people the person does not see; only the flag on the client's page says someone is known."""
    known = known_person(user=actor, id_number=id_number, name=name, birth_date=birth_date)
    audit_record(
        actor=actor, action=DUPLICATE_CHECK, target=actor, summary="import",
        changes={"purpose": "import", "by": "id_number" if id_number else "name_and_birth_date",
                 "known_elsewhere": known.elsewhere > 0},
    )  # fmt: skip
    return known


def _report_probe(*, actor, why: str) -> None:
    """Tell the district administrators over the person's place that intake is used as a
    search (a burst of look-ups, the hourly limit reached, or a client registered and removed at
    once): once per person a day, with an audit row."""
    today = timezone.localdate()
    start = timezone.make_aware(datetime.combine(today, time.min))
    if AuditEntry.objects.filter(
        action=PROBE_REPORT, target_type=actor._meta.label_lower, target_id=str(actor.pk), at__gte=start
    ).exists():
        return
    place = actor.unit.region if actor.unit_id else actor.region
    told = list(district_administrators_over(place).exclude(pk=actor.pk))
    audit_record(
        actor=actor, action=PROBE_REPORT, target=actor, summary=why,
        changes={"why": why, "told": [person.pk for person in told]},
    )  # fmt: skip
    reasons = {
        "burst": gettext_lazy("%(person)s looked up many people at intake in a few minutes"),
        "limit": gettext_lazy("%(person)s reached the hourly limit of look-ups at intake"),
        "remove": gettext_lazy("%(person)s registered a client and removed them at once"),
    }
    for person in told:
        notification_send(
            user=person,
            kind=PROBE_KIND,
            key=f"casework:intake-probe:{actor.pk}:{today.isoformat()}:{person.pk}",
            title=reasons[why] % {"person": actor},
            body=gettext_lazy(
                "Intake may be used to find out who is on record elsewhere in the district. "
                "The audit log holds each look-up."
            ),
        )


def consent_date_check(day: date | None) -> None:
    """The day consent was recorded, on the page or from a paper form brought in by an import: not
    in the future (a blank day is today)."""
    if day and day > timezone.localdate():
        raise ValidationError(
            {"consent_recorded_on": _("The consent cannot be recorded on a day still to come.")}
        )


def _check_client(fields: dict) -> dict:
    fields["name"] = (fields.get("name") or "").strip()
    number = idnumbers.normalize(fields.get("id_number") or "")
    if number:
        try:
            idnumbers.validate_id_number(number)
        except ValidationError as error:
            raise ValidationError({"id_number": error.messages}) from None
        fields.update(
            idnumbers.identity(number, birth_date=fields.get("birth_date"), gender=fields.get("gender") or "")
        )
    fields["id_number"] = number or None
    for name in ("phone", "address"):
        fields[name] = (fields.get(name) or "").strip() or None
    if fields.get("birth_date") and fields["birth_date"] > timezone.localdate():
        raise ValidationError({"birth_date": _("The date of birth cannot be in the future.")})
    if not fields.get("consents_to_data_processing"):
        raise ValidationError(
            {
                "consents_to_data_processing": _(
                    "Record the client's (or guardian's) consent to the processing of their data first."
                )
            }
        )
    consent_date_check(fields.get("consent_recorded_on"))
    if not fields.get("consent_recorded_on"):
        fields["consent_recorded_on"] = timezone.localdate()
    return fields


def _save_household(client: Client, household) -> None:
    if household is None:
        return
    client.household.all().delete()
    for member in household:
        if (member.get("name") or "").strip():
            HouseholdMember.objects.create(client=client, **member)


def client_register(
    *, actor, station=None, categories=(), household=None, checked: KnownPerson | None = None, **fields
) -> Client:
    """Register a person served, at the actor's station. The client's consent to the processing
    of their data is required. An ID number must pass the GB 11643 check and sets the date of
    birth. Someone already on record in the district (same ID number, or same name and date of
    birth) is flagged `known_elsewhere`, and nothing of the other record is revealed. The look-up
    is `client_duplicate_check`, audited and counted; a page that has just made it for this same
    person (intake) passes its answer as `checked`, so that one registration is one look-up."""
    unknown = set(fields) - set(CLIENT_FIELDS)
    if unknown:
        raise TypeError(f"client_register got unexpected fields: {sorted(unknown)}")
    if not actor.has_perm("casework.add_client"):
        raise ValidationError(_("You may not register clients."))
    station = station or station_of(actor.unit)
    if station is None:
        raise ValidationError(_("Only people who work at a service station can register clients."))
    if station_of(actor.unit) != station:
        raise ValidationError({"station": _("You can register clients only at your own station.")})
    fields = _check_client(fields)
    community: Region = fields["community"]
    if not community.path.startswith(station.region.town_path):
        raise ValidationError({"community": _("The community must lie in the station's town or street.")})
    if checked is None:
        checked = client_duplicate_check(
            actor=actor,
            id_number=fields["id_number"] or "",
            name=fields["name"],
            birth_date=fields.get("birth_date"),
        )
    with transaction.atomic():
        client = Client(station=station, created_by=actor, known_elsewhere=bool(checked), **fields)
        client.id_number_digest = id_digest(client.id_number) if client.id_number else ""
        client.full_clean(exclude=["id_number_digest"])
        client.save()
        client.categories.set(categories)
        _save_household(client, household)
        caseload_refresh([client.pk])
        audit_record(actor=actor, action="client.create", target=client, summary=f"#{client.pk}")
    return client


def client_update(*, actor, client: Client, categories=None, household=None, **fields) -> Client:
    """Change a client's record (whoever sees the client). The audit row names the fields that
    changed, never their values."""
    unknown = set(fields) - set(CLIENT_FIELDS)
    if unknown:
        raise TypeError(f"client_update got unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        if not clients_visible_to(user=actor).filter(pk=client.pk).exists():
            raise ValidationError(_("This client is outside what you can see."))
        client = Client.objects.select_for_update().get(pk=client.pk)
        current = {name: getattr(client, name) for name in CLIENT_FIELDS}
        if idnumbers.normalize(fields.get("id_number", client.id_number) or "") != (client.id_number or ""):
            current.update(birth_date=None, gender="")  # a new ID number brings its own
        fields = _check_client({**current, **fields})
        changed = sorted(apply_changes(client, fields))
        client.id_number_digest = id_digest(client.id_number) if client.id_number else ""
        client.full_clean(exclude=["id_number_digest"])
        if changed:  # a form saved unchanged leaves the record, its version included, as it was
            version_raise(client)
        client.save()
        if "name" in changed:
            caseload_refresh([client.pk])
        if categories is not None:
            client.categories.set(categories)
            changed.append("categories")
        if household is not None:
            _save_household(client, household)
            changed.append("household")
        audit_record(
            actor=actor,
            action="client.update",
            target=client,
            summary=f"#{client.pk}",
            changes={"fields": changed},
        )
    return client


def client_remove(*, actor, client: Client, reason: str) -> Client:
    """Remove a client: the station manager of the registering station, or the worker who
    registered them before any case. Refused while a case of theirs is open. The client and the
    cases that were only theirs disappear for everyone and are erased once the district's
    retention period has passed. A client removed by the one who registered them within minutes
    is reported to the district: registering and removing is how intake would be probed."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the client is removed.")})
    with transaction.atomic():
        if not clients_visible_to(user=actor).filter(pk=client.pk).exists():
            raise ValidationError(_("This client is outside what you can see."))
        client = Client.objects.select_for_update().get(pk=client.pk)
        manager = actor.has_role(Role.STATION_MANAGER) and actor.unit_id == client.station_id
        own = client.created_by_id == actor.pk and not client.case_links.exists()
        if not (manager or own):
            raise ValidationError(
                _("Only the station manager of the station that registered the client can remove them.")
            )
        if client.cases.filter(removed_at__isnull=True).exclude(status=Case.Status.CLOSED).exists():
            raise ValidationError(_("Close the client's open cases before removing them."))
        now = timezone.now()
        client.removed_at, client.removed_by, client.removal_reason = now, actor, reason[:200]
        client.save(
            update_fields=["removed_at", "removed_by", "removal_reason", "updated_at", *version_raise(client)]
        )
        only_theirs = Case.objects.filter(case_clients__client=client).exclude(
            case_clients__client__removed_at__isnull=True
        )
        with tallies_kept(only_theirs.values_list("pk", flat=True), clients=[client.pk]):
            only_theirs.update(removed_at=now)
        caseload_refresh([client.pk])
        audit_record(actor=actor, action="client.remove", target=client, summary=f"#{client.pk}")
        soon = timedelta(minutes=settings.CASEWORK_DUPLICATE_CHECK_BURST_MINUTES)
        if client.created_by_id == actor.pk and now - client.created_at < soon:
            _report_probe(actor=actor, why="remove")
    return client


def clients_purge(*, day: date | None = None) -> int:
    """Erase, for good, clients removed longer ago than the retention period, with the cases that
    had no other client still on record, and records merged into another longer ago than it
    (casework.services.merges). Returns how many clients were erased. Safe to run twice."""
    day = day or timezone.localdate()
    start_of_day = datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
    # Each client by the retention of their own station's district.
    due = CaseworkPolicy.table().by_place(
        "station__region__path",
        lambda policy: Q(removed_at__lt=start_of_day - timedelta(days=policy.retention_days)),
    )
    erased = 0
    for client_id in Client.objects.filter(due).values_list("pk", flat=True):
        with transaction.atomic():
            client = Client.objects.select_for_update(of=("self",)).filter(due, pk=client_id).first()
            if client is None:
                continue
            erased_cases = Case.objects.filter(case_clients__client=client).exclude(
                case_clients__client__removed_at__isnull=True
            )
            # Their stored files (attachments of the cases erased, signed consents): the rows go
            # with the cases and the client, the encrypted bytes once this has committed.
            files_delete_on_commit(
                [
                    *Attachment.objects.filter(
                        Q(case__in=erased_cases) | Q(consent__client=client)
                    ).values_list("stored", flat=True),
                    *client.signed_consents.values_list("signature", flat=True),
                ]
            )
            erased_cases.delete()
            client.case_links.all().delete()
            client.group_memberships.all().delete()
            # Copies of their data attached to answered requests go with them; the requests stay.
            for request in client.subject_requests.exclude(copy_file=""):
                request.copy_file.delete(save=False)
                request.save(update_fields=["copy_file", "updated_at"])
            audit_record(actor=None, action="client.erase", target=client, summary=f"#{client.pk}")
            # Records merged into this one are the same person: erased with them, never shown again.
            for merged in client.merged_records.all():
                merged.group_memberships.all().delete()
                files_delete_on_commit(
                    [
                        *Attachment.objects.filter(consent__client=merged).values_list("stored", flat=True),
                        *merged.signed_consents.values_list("signature", flat=True),
                    ]
                )
                audit_record(actor=None, action="client.erase", target=merged, summary=f"#{merged.pk}")
                merged.delete()
            client.delete()
            erased += 1
    from casework.services.merges import merged_clients_purge

    return erased + merged_clients_purge(day=day)


def policy_update(
    *,
    actor,
    retention_days: int,
    quiet_case_days: int,
    grant_max_days: int | None = None,
    break_glass_hours: int | None = None,
    follow_up_after_days: int | None = None,
    satisfied_from=None,
    referral_answer_days: int | None = None,
    referral_outcome_days: int | None = None,
    referral_escalate_days: int | None = None,
    offline_hours: int | None = None,
) -> CaseworkPolicy:
    """The district sets how long removed clients are kept, when a quiet case is flagged, how
    long an access grant may last (a day to a year), how long break-glass opens a labelled
    case (an hour to three days), when the follow-up after closing falls (a day to a year), the
    average from which a satisfaction questionnaire counts as satisfied (1 to 5), and the days a
    referral has for its answer and its result and before the supervisor hears it is overdue, and
    how long a social worker's phone keeps case records without reaching the server (an hour to
    two weeks)."""
    if not (actor.is_district_wide and actor.has_perm("casework.change_caseworkpolicy")):
        raise ValidationError(_("Only district administrators set the case records policy."))
    region = rule_place(actor)
    if region is None:
        raise ValidationError(_("Only district administrators set the case records policy."))
    if retention_days < 180:
        raise ValidationError({"retention_days": _("Keep removed clients at least 180 days.")})
    if grant_max_days is not None and not 1 <= grant_max_days <= 365:
        raise ValidationError({"grant_max_days": _("An access grant lasts between 1 and 365 days.")})
    if break_glass_hours is not None and not 1 <= break_glass_hours <= 72:
        raise ValidationError(
            {"break_glass_hours": _("Emergency access to a labelled case lasts between 1 and 72 hours.")}
        )
    if follow_up_after_days is not None and not 1 <= follow_up_after_days <= 365:
        raise ValidationError(
            {"follow_up_after_days": _("A follow-up after closing falls between 1 and 365 days later.")}
        )
    if offline_hours is not None and not 1 <= offline_hours <= 336:
        raise ValidationError(
            {"offline_hours": _("A phone keeps case records offline between 1 and 336 hours (two weeks).")}
        )
    if satisfied_from is not None and not 1 <= satisfied_from <= 5:
        raise ValidationError({"satisfied_from": _("The satisfied threshold is an average from 1 to 5.")})
    if (
        None not in (referral_answer_days, referral_outcome_days)
        and referral_outcome_days < referral_answer_days
    ):
        raise ValidationError(
            {"referral_outcome_days": _("A referral's result cannot be expected before its answer.")}
        )
    with transaction.atomic():
        # The place's own policy; a district that followed its city's default takes its own,
        # starting from the values it followed (and is shown as 本区自定 from then on).
        policy = CaseworkPolicy.objects.select_for_update().filter(region=region).first()
        taken = {}
        if policy is None:
            followed = CaseworkPolicy.at(region)
            policy = CaseworkPolicy(
                region=region, **{name: getattr(followed, name) for name in POLICY_FIELDS}
            )
            taken = {"region": [str(followed.region or ""), str(region)]}
        fields = {"retention_days": retention_days, "quiet_case_days": quiet_case_days}
        if follow_up_after_days is not None:
            fields["follow_up_after_days"] = follow_up_after_days
        if satisfied_from is not None:
            fields["satisfied_from"] = satisfied_from
        if grant_max_days is not None:
            fields["grant_max_days"] = grant_max_days
        if break_glass_hours is not None:
            fields["break_glass_hours"] = break_glass_hours
        for name, value in (
            ("referral_answer_days", referral_answer_days),
            ("referral_outcome_days", referral_outcome_days),
            ("referral_escalate_days", referral_escalate_days),
            ("offline_hours", offline_hours),
        ):
            if value is not None:
                fields[name] = value
        # Each value before and after, from the values followed until now where this takes its own.
        diff = {name: [str(getattr(policy, name)), str(value)] for name, value in fields.items()
                if getattr(policy, name) != value}  # fmt: skip
        for name, value in fields.items():
            setattr(policy, name, value)
        policy.save()
        audit_record(
            actor=actor, action="casework_policy.update", target=policy, summary=str(region),
            changes={**taken, **diff},
        )  # fmt: skip
        rule = rule_of_model(CaseworkPolicy)
        transaction.on_commit(lambda: rule_changed_notify(rule=rule, region=region))
    return policy


POLICY_FIELDS = (
    "retention_days", "quiet_case_days", "grant_max_days", "break_glass_hours", "follow_up_after_days",
    "satisfied_from", "referral_answer_days", "referral_outcome_days", "referral_escalate_days", "offline_hours",
)  # fmt: skip


# Export on request (Personal Information Protection Law, art. 45): everything held about one person.

# `stored` and `signature` name where the encrypted bytes are: nothing to the person. The export
# lists each attachment (its name, type, size, who added it, when); the files themselves are
# given on request, opened one by one from the case page (each opening audited).
SUBJECT_EXPORT_SKIP = {"id_number_digest", "stored", "signature"}
CASE_PARTS = {
    "assessments": ("domains",),
    "plans": ("goals", "tasks"),
    "notes": (),
    "referrals": (),
    "follow_ups": (),
    "reviews": (),
    "closings": (),
    "transfers": (),
    "transitions": (),
    "attachments": (),
}


def _plain(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, float, str, list, dict)):
        return value
    return str(value)


def _record(instance, *, skip=()) -> dict:
    """Every stored field of a row by its name: choices as their label, links as their name."""
    row = {}
    for field in instance._meta.concrete_fields:
        if field.name in SUBJECT_EXPORT_SKIP or field.name in skip:
            continue
        if field.is_relation:
            related = getattr(instance, field.name)
            row[field.name] = str(related) if related is not None else None
        elif field.choices:
            row[field.name] = getattr(instance, f"get_{field.name}_display")()
        else:
            row[field.name] = _plain(field.value_from_object(instance))
    return row


def client_subject_export(*, actor, client: Client) -> dict:
    """The whole of what the system holds about one client, for a request from that person: their
    record (ID number, phone and address in full), household, categories, consent, the cases of
    theirs the exporting person sees with every note, plan, referral and follow-up, their groups
    and volunteer pairings. The caller has checked the client is visible to `actor`. Audited as
    client.subject_export; the log names the record by number only."""
    from casework.selectors import cases_visible_to

    cases = (
        cases_visible_to(user=actor)
        .filter(case_clients__client=client)
        .prefetch_related("case_clients__client", *(f"{part}" for part in CASE_PARTS))
        .order_by("intake_on", "pk")
    )
    exported_cases = []
    for case in cases:
        entry = _record(case)
        entry["clients"] = [
            {"client": str(link.client), "primary": link.primary} for link in case.case_clients.all()
        ]
        for part, children in CASE_PARTS.items():
            rows = []
            for row in getattr(case, part).all():
                item = _record(row, skip=("case",))
                for child in children:
                    item[child] = [
                        _record(c, skip=(row._meta.model_name,)) for c in getattr(row, child).all()
                    ]
                rows.append(item)
            entry[part] = rows
        exported_cases.append(entry)
    data = {
        "exported_at": timezone.localtime().isoformat(),
        "client": _record(client),
        "categories": [str(category) for category in client.categories.all()],
        "household": [_record(member, skip=("client",)) for member in client.household.all()],
        "cases": exported_cases,
        "groups": [
            {
                **_record(member, skip=("client",)),
                "sessions_attended": member.attendance.filter(present=True).count(),
            }
            for member in client.group_memberships.select_related("group")
        ],
        "signed_consents": [
            _record(consent, skip=("client",))
            for consent in client.signed_consents.select_related("case", "taken_by")
        ],
        "volunteer_pairings": [
            _record(pairing, skip=("client",)) for pairing in client.pairings.select_related("volunteer")
        ],
    }
    audit_record(
        actor=actor,
        action="client.subject_export",
        target=client,
        summary=f"#{client.pk}",
        changes={"cases": [case["id"] for case in exported_cases]},
    )
    return data
