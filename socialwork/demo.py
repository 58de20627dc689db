"""The demo district: every app's demo data in order, then one account per role, each with an
authenticator app's device whose secret is written here and in the README, so that whoever tries
the demo can log in with its codes (`manage.py demo_otp <username>` prints the current one)."""

from base64 import b32decode

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.demo import seed_casework
from casework.demo_merges import seed_merges
from positions.demo import seed_network
from positions.demo_registration import seed_registration
from positions.demo_workforce import seed_workforce
from positions.models import Region, ServiceUnit
from projects.demo import seed_projects
from projects.demo_evaluations import seed_evaluations
from projects.demo_panels import seed_panels
from projects.models import SocialOrganization
from reports.demo import seed_statistical_returns
from training.demo import seed_training

from .models import User
from .roles import Role

DEMO_PASSWORD = "demo-2026"

# username: (full name, role, unit code or None, region code, staff)
DEMO_ACCOUNTS = {
    "admin": ("超级管理员", None, "CT-01", "420506", True),
    "district": ("王丽（区民政局）", Role.DISTRICT_ADMIN, "CT-01", "420506", True),
    "district2": ("刘洋（区民政局）", Role.DISTRICT_ADMIN, "CT-01", "420506", True),
    "station": ("李强（三斗坪镇站长）", Role.STATION_MANAGER, "ST-420506104", "420506104", False),
    "worker": ("胡群泽（社工）", Role.SOCIAL_WORKER, "RM-420506104001", "420506104001", False),
    "supervisor": ("陈敏（督导）", Role.SUPERVISOR, "CT-01", "420506", False),
    "org": ("张华（社会组织）", Role.ORG_STAFF, None, "420506", False),
    "auditor": ("赵军（审计）", Role.AUDITOR, None, "420506", True),
    "sysadmin": ("周涛（系统管理员）", Role.SYSTEM_ADMIN, None, "420506", True),
    "security": ("吴静（安全管理员）", Role.SECURITY_ADMIN, None, "420506", True),
    "evaluator": ("孙悦（第三方评估）", Role.EVALUATOR, None, "420506", False),
    "expert": ("钱文（评审专家）", Role.REVIEWER, None, "420506", False),
    # The demo city (issue 23): its administrator sees both districts; 点军区's administrator and a
    # station manager there see only their own.
    "city": ("陈刚（市民政局）", Role.DISTRICT_ADMIN, "CT-420500", "420500", True),
    "dianjun": ("黄敏（点军区民政局）", Role.DISTRICT_ADMIN, "CT-420504", "420504", True),
    "dianjun_station": ("郑磊（桥边镇站长）", Role.STATION_MANAGER, "ST-420504100", "420504100", False),
}


# The demo accounts' second factor: fixed, published TOTP secrets (base32), for demo mode only. An
# installation's own accounts get secrets drawn at random when their holders set them up.
DEMO_OTP_SECRETS = {
    "admin": "THCUTBI2KU7ACABQTY5FHCO2KOS4WMBF",
    "district": "6JW5E6H7MLEMSMP2XB2B6M4IAWG2IHIE",
    "district2": "4WFMQ2YGMXDUFMQOLTBDIIQ2SNTHKO7J",
    "station": "VQGKOTNDYLXU46N4SQVPNJDUM2RTIEY2",
    "worker": "3JC5FTNT37XAYHX5FGUY66I5BH5DP7H7",
    "supervisor": "EK6KQ4D7QQAAA7YRTFVDXRNVANXK5YP7",
    "org": "63RMXMFNT3ICQ2EQEB64RMKU3H2GBHO5",
    "auditor": "CZBPRVKWIXV52ZSB2YN6USSGRDVVM6PG",
    "sysadmin": "GCIXBPHTISDHE6XDCZTD5YZSMP3T7MDP",
    "security": "Z73CYRMFCCBPW54ICKWRMSJMDL4AOU25",
    "evaluator": "OWN34JUFWGX4QRI2YMKLON3TXIEBKRHG",
    "expert": "AFVLNTQGYETZEWAALX2F76ASHMM7E62N",
    "city": "H6KZHKH4WAGIT4ZGJUTA56DPCLFIRAFZ",
    "dianjun": "ONQNGNRGP4GG72WDRLVKADKXNJP55LOM",
    "dianjun_station": "E3Y33PZUV7UNJBZSO5CXCOC6BOMSLUDH",
}


def demo_device_ensure(user: User, secret: str) -> TOTPDevice:
    """A confirmed authenticator device with this base32 secret for `user` (the one they have, if
    its secret is this one). Used by the demo seed and by the browser journeys, which log in with
    the codes of such a device as a person does."""
    key = b32decode(secret).hex()
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, key=key, confirmed=True).first()
        if device is None:
            TOTPDevice.objects.filter(user=user).delete()
            device = TOTPDevice.objects.create(user=user, name="demo", key=key, confirmed=True)
    return device


def seed_demo_devices() -> int:
    """Every demo account's device, in demo mode only: production has none."""
    if not settings.DEMO_MODE:
        return 0
    made = 0
    for user in User.objects.filter(username__in=DEMO_OTP_SECRETS):
        secret = DEMO_OTP_SECRETS[user.username]
        if not TOTPDevice.objects.filter(user=user, key=b32decode(secret).hex(), confirmed=True).exists():
            demo_device_ensure(user, secret)
            made += 1
    return made


def seed(*, with_accounts: bool) -> list[str]:
    network = seed_network()
    report = [f"network: {network['regions']} regions and {network['units']} units created"]
    workforce = seed_workforce()
    report.append(
        f"workforce: {workforce['positions']} positions, {workforce['workers']} workers and "
        f"{workforce['appointments']} appointments created"
    )
    training = seed_training()
    report.append(f"training: {training['series']} series and {training['enrolments']} enrolments created")
    projects = seed_projects()
    report.append(
        f"projects: {projects['organizations']} organizations and {projects['projects']} projects created"
    )
    if with_accounts:
        made = seed_accounts()
        report.append(f"accounts: {made} created (password: {DEMO_PASSWORD})")
        devices = seed_demo_devices()
        report.append(
            f"second factor: {devices} demo devices set up; `manage.py demo_otp <username>` prints an "
            "account's current code (secrets in the README)"
        )
        evaluations = seed_evaluations()  # assigned to the demo evaluator
        report.append(
            f"evaluations: {evaluations['schemes']} scheme and {evaluations['evaluations']} evaluation created"
        )
        panels = seed_panels()  # the expert reviewer's panel needs the demo accounts
        report.append(f"review panels: {panels} applications before the demo panel")
        casework = seed_casework()  # the demo cases belong to the demo accounts
        report.append(
            f"casework: {casework['cases']} cases ({casework['closed']} closed) for {casework['clients']} clients, "
            f"{casework['groups']} group, {casework['activities']} activities, {casework['advocacy']} advocacy record"
        )
        report.append(f"duplicate clients: {seed_merges()} merge waiting for approval")
        # The city's statistical report of 2015, submitted by both districts and approved (issue 23).
        report.append(f"statistical returns: {seed_statistical_returns()} returns of 2015 submitted")
    registration = seed_registration()  # after the accounts: the demo worker's own registration
    report.append(f"registration: {registration['periods']} registration periods created")
    return report


def seed_accounts() -> int:
    made = 0
    for username, (full_name, role, unit_code, region_code, staff) in DEMO_ACCOUNTS.items():
        if User.objects.filter(username=username).exists():
            continue
        user = User(
            username=username,
            full_name=full_name,
            email=f"{username}@demo.local",
            unit=ServiceUnit.objects.get(code=unit_code) if unit_code else None,
            region=Region.objects.get(code=region_code),
            is_staff=staff,
            is_superuser=role is None,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        if role:
            user.groups.add(Group.objects.get(name=role))
        made += 1
    _link_worker(User.objects.filter(username="worker", worker__isnull=True).first())
    User.objects.filter(username="org", organization__isnull=True).update(
        organization=SocialOrganization.objects.order_by("pk").first()
    )
    return made


def _link_worker(user: User | None) -> None:
    """The demo social worker is in the registry too, holding a post in their own room."""
    from positions.models import SocialWorker

    if user is None:
        return
    worker = SocialWorker.objects.filter(
        employer_unit__path__startswith=user.unit.path, user__isnull=True
    ).first()
    if worker:
        worker.user, worker.name = user, "胡群泽"
        worker.save(update_fields=["user", "name", "updated_at"])
