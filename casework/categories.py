"""The vulnerability categories every district starts with, by code, with their translated names."""

from datetime import date

from django.utils.translation import gettext_lazy as _

BUILT_IN = {
    "children_in_distress": _("Children in distress"),
    "left_behind_children": _("Left-behind children"),
    "left_behind_women": _("Left-behind women"),
    "left_behind_elderly": _("Left-behind elderly"),
    "elderly_alone": _("Elderly living alone"),
    "disabled": _("People with disabilities"),
    "autism": _("Autism"),
    "low_income": _("Low-income households"),
    "community_correction": _("Community correction"),
    "drug_rehabilitation": _("Drug rehabilitation"),
}

# The names stored in the database, in the district's language.
NAMES_ZH = {
    "children_in_distress": "困境儿童",
    "left_behind_children": "留守儿童",
    "left_behind_women": "留守妇女",
    "left_behind_elderly": "留守老人",
    "elderly_alone": "独居老人",
    "disabled": "残疾人",
    "autism": "孤独症",
    "low_income": "低收入家庭",
    "community_correction": "社区矫正",
    "drug_rehabilitation": "戒毒康复",
}


# Who a built-in category is for: the age, in whole years (inclusive; None: no bound), and for
# some the sex. Children are under 18 (未成年人保护法); the elderly are 60 or over (老年人权益
# 保障法); left-behind women are adult women. The other categories are for anyone.
AGES = {
    "children_in_distress": (0, 17),
    "left_behind_children": (0, 17),
    "left_behind_women": (18, None),
    "left_behind_elderly": (60, None),
    "elderly_alone": (60, None),
}
GENDERS = {"left_behind_women": "female"}


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def category_misfits(*, codes, birth_date: date | None, gender: str = "", on: date) -> list[str]:
    """Why a person does not fit the categories they are put in: a 1940-born left-behind child,
    a man among left-behind women. A soft rule: the person's page warns, nothing is refused (a
    district may use a category more widely)."""
    reasons = []
    for code in codes:
        low, high = AGES.get(code, (None, None))
        if birth_date is not None and (low is not None or high is not None):
            age = age_on(birth_date, on)
            if (low is not None and age < low) or (high is not None and age > high):
                reasons.append(
                    _("%(category)s is for people aged %(range)s; this person is %(age)d.")
                    % {"category": BUILT_IN[code], "range": _age_range(low, high), "age": age}
                )
        if code in GENDERS and gender and gender != GENDERS[code]:
            reasons.append(_("%(category)s is for women.") % {"category": BUILT_IN[code]})
    return reasons


def _age_range(low, high) -> str:
    if high is None:
        return _("%(low)d or over") % {"low": low}
    return _("%(low)d to %(high)d") % {"low": low, "high": high}


def ensure_built_in(sender=None, **kwargs) -> None:
    """Make sure the built-in categories exist (after every migrate, and after a test flush); a
    district's own categories and its edits of the built-in names stay."""
    from casework.models import VulnerabilityCategory

    for order, code in enumerate(BUILT_IN, start=1):
        VulnerabilityCategory.objects.get_or_create(
            code=code, defaults={"name": NAMES_ZH[code], "order": order}
        )
