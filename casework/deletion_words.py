"""The words of a deletion's report (casework.services.subject_requests.deletion_report): what
each kind of record is, what becomes of it, and the rule that keeps it. The report is stored as
codes and counts so that each reader reads it in their language."""

from django.utils.translation import gettext_lazy as _

WHAT = {
    "client": _("The client's record: name, ID number, phone, address, consent"),
    "household": _("Household members"),
    "categories": _("Vulnerability categories"),
    "groups": _("Group work memberships and attendance"),
    "pairings": _("Volunteer pairings"),
    "cases_only_theirs": _("Cases that were only theirs"),
    "cases_shared": _("Cases shared with other clients still served"),
    "audit": _("Audit log entries about the client"),
    "requests": _("Their personal information requests"),
}
FATE = {
    "removed": _("Deleted: nobody sees or uses it from now on; erased for good on %(erase_on)s."),
    "kept_until": _(
        "Kept, seen by nobody, until %(erase_on)s, then erased: the case records policy keeps the "
        "records of a removed client's services %(days)s days, so that a complaint, an appeal or an "
        "inspection of the service can be answered (PIPL art. 47: storage only)."
    ),
}
WHY_KEPT = {
    "cases_shared": _(
        "They are also the records of the services given to other people; the client's link to them "
        "is erased on %(erase_on)s."
    ),
    "audit": _(
        "The law requires the log of who handled personal information to be kept at least six months "
        "(Cybersecurity Law art. 21, MLPS 2.0); it names the client by number only."
    ),
    "requests": _(
        "The record that the client's requests were answered, and how, is kept to show the law was "
        "followed (PIPL art. 54); it names the client by number only."
    ),
}
OTHER = _("Records of another part of the system (%(model)s)")
OTHER_FATE = _("Kept: no rule here deletes them; the system administrator reviews them.")


def report_rows(report: dict | None) -> list[dict]:
    """The report as rows a page shows: what, how many, which cases, and what becomes of it."""
    if not report:
        return []
    values = {"erase_on": report["erase_on"], "days": report["retention_days"]}
    rows = []
    for item in report["items"]:
        part = item["part"]
        if part in WHAT:
            what = WHAT[part]
            fate = WHY_KEPT[part] if part in WHY_KEPT else FATE[item["fate"]]
        else:
            what, fate = OTHER % {"model": part}, OTHER_FATE
        rows.append(
            {
                "part": part,
                "what": what,
                "count": item["count"],
                "numbers": item.get("numbers", []),
                "kept": item["fate"] != "removed",
                "fate": fate % values,
            }
        )
    return rows
