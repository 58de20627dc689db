"""What the figures count, kept as the records change, so that a province's dashboard and annual
report read a few thousand rows instead of tens of millions (issue 24). Derived, never edited:
`casework.services.tallies` keeps them, and rebuilds them from the records
(`manage.py tallies_rebuild`, and each night)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from socialwork.constraints import UniqueConstraint


class StationTally(models.Model):
    """One station's year as the figures count it: the service notes written in its cases (cases
    not removed), and the clients it served (its `ClientServed` rows)."""

    DERIVED = True  # not a record of its own: an import's undo neither keeps nor minds it

    station = models.ForeignKey(
        "positions.ServiceUnit", verbose_name=_("service station"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    notes = models.IntegerField(_("service notes"), default=0)
    clients = models.IntegerField(_("clients served"), default=0)

    class Meta:
        verbose_name = _("station's year in figures")
        verbose_name_plural = _("stations' years in figures")
        constraints = [
            UniqueConstraint(
                fields=["year", "station"],
                name="station_tally_year_station_unique",
                field="station",
                violation_error_message=_("This station's year is already counted."),
            )
        ]

    def __str__(self):
        return f"{self.station} · {self.year}: {self.notes}, {self.clients}"


class ClientServed(models.Model):
    """A client served by a station in a year: a case of theirs at the station (not removed) was
    open at some time in that year. A case still open is open in every year up to this one; the
    nightly task carries it into a new year (`casework.services.tallies.served_extend`)."""

    DERIVED = True

    client = models.ForeignKey(
        "casework.Client", verbose_name=_("client"), on_delete=models.CASCADE, related_name="+"
    )
    station = models.ForeignKey(
        "positions.ServiceUnit", verbose_name=_("service station"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    # Served by more than one station in the year: a place adds up its stations' clients, less
    # these clients' repeats (`casework.selectors.clients_served`).
    shared = models.BooleanField(_("served by several stations"), db_default=False)

    class Meta:
        verbose_name = _("client served in a year")
        verbose_name_plural = _("clients served in a year")
        constraints = [
            UniqueConstraint(
                fields=["year", "station", "client"],
                name="client_served_unique",
                field="client",
                violation_error_message=_("This client is already counted at this station in this year."),
            )
        ]
        indexes = [
            models.Index(fields=["client"], name="client_served_client_idx"),
            models.Index(
                fields=["year", "station", "client"],
                condition=Q(shared=True),
                name="client_served_shared_idx",
            ),
        ]

    def __str__(self):
        return f"{self.client_id} · {self.station_id} · {self.year}"
