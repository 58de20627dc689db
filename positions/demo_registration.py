"""The demo's registration periods and continuing-education hours (issue 21).

Every registered demo worker gets the registration period their fields show. In 三斗坪镇's
station, the demo social worker's account (胡群泽) holds a registration expiring in two months,
short of hours, and a colleague's registration, expiring in one month with the hours it needs,
is ready to renew. Both attended this year's continuing-education sessions and recorded outside
training with its certificate. Idempotent: what exists is left as it is.
"""

from datetime import timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from django.utils import timezone

from positions.models import CertificateLevel, OutsideTraining, ServiceUnit, SocialWorker
from positions.services.registration import (
    registration_hours_defaults,
    registration_period_sync,
    registration_periods_backfill,
)

# Just enough of a PDF for a demo certificate (socialwork.uploads accepts it).
DEMO_CERTIFICATE = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
SHORT = "DJ-DEMO-SHORT"  # expiring in two months, short of hours
RENEWABLE = "DJ-DEMO-RENEW"  # expiring in one month, hours enough
OUTSIDE = {
    SHORT: [("湖北省社会工作继续教育网络课程", "湖北省社会工作联合会", 120, "16.0")],
    RENEWABLE: [
        ("社会工作督导能力提升研修班", "华中师范大学社会学院", 300, "40.0"),
        ("儿童保护个案管理培训", "宜昌市民政局", 200, "24.0"),
    ],
}


def seed_registration() -> dict[str, int]:
    registration_hours_defaults()
    made = {"periods": registration_periods_backfill()}
    station = ServiceUnit.objects.filter(code="ST-420506104").first()
    if station is None:
        return made
    today = timezone.localdate()
    workers = SocialWorker.objects.filter(employer_unit__path__startswith=station.path, status="active")
    short = SocialWorker.objects.filter(registration_number=SHORT).first() or (
        workers.filter(user__username="worker").first() or workers.exclude(certificate_level="none").first()
    )
    renewable = SocialWorker.objects.filter(registration_number=RENEWABLE).first() or (
        workers.exclude(pk=short.pk if short else None)
        .filter(certificate_level="assistant")
        .order_by("pk")
        .first()
    )
    for worker, number, months in ((short, SHORT, 2), (renewable, RENEWABLE, 1)):
        if worker is None or worker.registration_number == number:
            continue
        ends_on = today + relativedelta(months=months)
        worker.certificate_level = (
            worker.certificate_level if worker.certificate_level != "none" else "assistant"
        )
        worker.registration_number, worker.registration_valid_until = number, ends_on
        worker.registered_on = ends_on - relativedelta(years=3) + timedelta(days=1)
        worker.save(update_fields=["certificate_level", "registration_number", "registered_on",
                                   "registration_valid_until", "updated_at"])  # fmt: skip
        registration_period_sync(actor=None, worker=worker)
        _attend_this_year(worker)
        manager = _station_manager(station)
        if manager is None:  # seeded without accounts: no one to have recorded the hours
            continue
        for title, organizer, days_ago, hours in OUTSIDE[number]:
            record = OutsideTraining(
                worker=worker, title=title, organizer=organizer, held_on=today - timedelta(days=days_ago),
                hours=Decimal(hours), checked_at=timezone.now(),
            )  # fmt: skip
            record.certificate.save(
                f"certificate-{number}-{days_ago}.pdf", ContentFile(DEMO_CERTIFICATE), save=False
            )
            record.recorded_by = record.checked_by = manager
            record.save()
    if short is not None and short.certificate_level not in CertificateLevel.certified():
        short.certificate_level = CertificateLevel.ASSISTANT
        short.save(update_fields=["certificate_level", "updated_at"])
    return made


def _station_manager(station):
    from django.contrib.auth import get_user_model

    from socialwork.roles import Role

    return (
        get_user_model().objects.filter(unit=station, groups__name=Role.STATION_MANAGER).first()
        or get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    )


def _attend_this_year(worker: SocialWorker) -> None:
    """The worker attended this year's held continuing-education sessions (training.demo)."""
    from training.models import Enrolment, TrainingSession

    held = TrainingSession.objects.filter(
        series__category="continuing_education",
        series__year=timezone.localdate().year,
        starts_at__lt=timezone.now(),
    )
    for session in held:
        Enrolment.objects.update_or_create(
            session=session, worker=worker, status=Enrolment.Status.CONFIRMED,
            defaults={"attended": True, "checked_in_at": session.starts_at, "hours_credited": session.credit_hours},
        )  # fmt: skip
