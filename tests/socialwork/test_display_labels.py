"""Choice labels (`get_<field>_display`) are read from a dictionary built once per field, and still
come in the language of the moment."""

from django.utils import translation

from casework.models import Case


def test_a_label_follows_the_language_it_is_shown_in():
    case = Case(status=Case.Status.INTAKE, risk_level="high")

    with translation.override("en"):
        english = case.get_status_display(), case.get_risk_level_display()
    with translation.override("zh-hans"):
        chinese = case.get_status_display(), case.get_risk_level_display()
    with translation.override("en"):
        again = case.get_status_display()

    assert english == ("Intake", "High risk")
    assert chinese[0] != english[0] and chinese[1] != english[1]
    assert again == "Intake"


def test_a_value_outside_the_choices_is_shown_as_it_is():
    assert Case(status="archived").get_status_display() == "archived"
