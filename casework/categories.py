"""The vulnerability categories every district starts with, by code, with their translated names."""

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


def ensure_built_in(sender=None, **kwargs) -> None:
    """Make sure the built-in categories exist (after every migrate, and after a test flush); a
    district's own categories and its edits of the built-in names stay."""
    from casework.models import VulnerabilityCategory

    for order, code in enumerate(BUILT_IN, start=1):
        VulnerabilityCategory.objects.get_or_create(
            code=code, defaults={"name": NAMES_ZH[code], "order": order}
        )
