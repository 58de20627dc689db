"""The demo's statistical report (issue 23): 宜昌市 asks its districts for a yearly return on their
social work workforce; 夷陵区's and 点军区's returns for 2015 are filled from their records,
submitted and approved (locked), and the city's own return, their sum, is submitted. Every step
goes through the services, so the timeline and the audit log read as if people had taken them."""

from positions.models import Region
from reports.models import StatisticalForm
from reports.upward import figures, services
from socialwork.models import User

FORM_NAME = "社会工作人才队伍建设统计年报"
CITY, DISTRICTS, YEAR = "420500", ("420506", "420504"), 2015
ACCOUNTS = {"420506": "district", "420504": "dianjun"}


def seed_statistical_returns() -> int:
    """Define the form and take its 2015 returns through to the city's submission. Returns the
    returns made (0 when the demo city or its accounts are missing, or it was seeded before)."""
    city = Region.objects.filter(code=CITY).first()
    people = {
        username: User.objects.filter(username=username).first() for username in ("city", *ACCOUNTS.values())
    }
    if (
        city is None
        or not all(people.values())
        or StatisticalForm.objects.filter(owner=city, name=FORM_NAME).exists()
    ):
        return 0
    chief = people["city"]
    form = services.form_define(
        actor=chief,
        owner=city,
        name=FORM_NAME,
        period=StatisticalForm.Period.YEARLY,
        figure_keys=list(figures.FIGURES),
    )
    made = 0
    for code in DISTRICTS:
        district, person = Region.objects.get(code=code), people[ACCOUNTS[code]]
        statistical_return = services.return_prepare(actor=person, form=form, region=district, year=YEAR)
        services.return_submit(actor=person, statistical_return=statistical_return)
        services.return_approve(actor=chief, statistical_return=statistical_return, comment="数据核对无误。")
        made += 1
    own = services.return_prepare(actor=chief, form=form, region=city, year=YEAR)
    services.return_submit(actor=chief, statistical_return=own)
    return made + 1
