"""The demo shows registration: every registered worker has their period; in 三斗坪镇 the demo
worker's registration expires in two months short of hours, a colleague's is ready to renew."""

import pytest
from django.core.management import call_command

from positions.models import OutsideTraining, RegistrationPeriod, SocialWorker
from positions.selectors.registration import renewal_status


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_demo_shows_a_registration_short_of_hours_and_one_to_renew(db):
    call_command("seed_demo", verbosity=0)
    registered = SocialWorker.objects.exclude(registration_number="").filter(registered_on__isnull=False)
    assert RegistrationPeriod.objects.count() == registered.count() > 2000
    short = SocialWorker.objects.get(registration_number="DJ-DEMO-SHORT")
    assert short.user.username == "worker"
    status = renewal_status(worker=short)
    assert not status.possible and status.ledger.short > 0
    assert {line.kind for line in status.ledger.lines} == {"session", "outside"}
    ready = renewal_status(worker=SocialWorker.objects.get(registration_number="DJ-DEMO-RENEW"))
    assert ready.possible, ready.reason
    before = (RegistrationPeriod.objects.count(), OutsideTraining.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (RegistrationPeriod.objects.count(), OutsideTraining.objects.count()) == before
