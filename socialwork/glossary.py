"""The words of the domain, in Chinese as a civil affairs bureau writes them and in the English the
English interface uses; the word a translator reaches for and must not (客户 for 服务对象, 奖项 for
中标); where one English word has two Chinese meanings, the context that tells them apart.

This is the project's glossary: translations (locale/, the fragments merged into it) follow it,
and `tests/socialwork/test_glossary.py` renders the key screens in Chinese and in English and
checks that they use these words. A term that no screen shows yet has no `screens`: it is here for
the translator and for the day it appears.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Term:
    zh: str
    en: str
    # On these screens (keys of the glossary test) the Chinese shows `zh` and the English `en`.
    screens: tuple[str, ...] = ()
    # Chinese words that are wrong for this term: never on a screen where the term is expected.
    not_zh: tuple[str, ...] = ()
    note: str = ""
    # What the English screen shows, when it is an inflection of `en` (plural, capitalised, ...).
    en_shown: tuple[str, ...] = field(default=())


GLOSSARY: tuple[Term, ...] = (
    # Casework (MZ/T 094)
    Term("个案", "case", screens=("case", "cases"), en_shown=("Case", "case")),
    Term("服务对象", "client", screens=("case", "cases"), not_zh=("客户",), en_shown=("Client",)),
    Term(
        "督导",
        "supervisor",
        screens=("case",),
        note="the person (督导) and the act (督导, 督导检查 for a project's supervision visit)",
        en_shown=("Supervisor",),
    ),
    Term("结案", "closing", screens=("case",), note="close a case; 关闭 closes a page", en_shown=("Clos",)),
    Term("转介", "referral", screens=("case",), en_shown=("Referral",)),
    Term(
        "转案",
        "transfer",
        screens=("case",),
        note="a case to another worker or station",
        en_shown=("Transfer",),
    ),
    # The workforce
    Term(
        "岗位",
        "position",
        screens=("positions",),
        note="a post; 岗位名称 is a post's title",
        en_shown=("Position",),
    ),
    Term(
        "设岗方式",
        "set-up mode",
        screens=("positions",),
        note="直接明确 / 政府雇员 / 合同聘用 / 购买岗位",
        en_shown=("Set-up mode",),
    ),
    Term(
        "持证",
        "certified",
        screens=("position",),
        note="持证社工: a certified social worker",
        en_shown=("certificate",),
    ),
    Term(
        "继续教育学时",
        "continuing-education hours",
        note="72 h (assistant) / 90 h per registration period; a year's training hours are 学时",
    ),
    Term(
        "学时",
        "hours",
        screens=("hours",),
        not_zh=("必填",),
        note="应修学时: hours required",
        en_shown=("Hours",),
    ),
    Term(
        "姓名",
        "name",
        screens=("workers",),
        not_zh=("名称",),
        note="of a person; 名称 names a thing",
        en_shown=("Name",),
    ),
    # Projects and government purchase of services
    Term(
        "政府购买服务",
        "government purchase of services",
        screens=("calls",),
        en_shown=("Government purchase of services",),
    ),
    Term(
        "中标", "award", screens=("project",), not_zh=("奖项",), note="the winning bid", en_shown=("Award",)
    ),
    Term("验收", "acceptance", screens=("project",), en_shown=("acceptance",)),
    Term(
        "完成",
        "done",
        screens=("project",),
        not_zh=("已结项",),
        note="a milestone; 已结项 is a completed project",
        en_shown=("Completed",),
    ),
    Term("台账", "dossier", note="the file of records kept for evaluation"),
    # The admin
    Term(
        "修改",
        "change",
        screens=("admin",),
        not_zh=("同比变化",),
        note="同比变化 is a year-on-year change",
        en_shown=("Change",),
    ),
    Term(
        "会话",
        "session",
        screens=("sessions",),
        note="a login session; 场次 are training sessions",
        en_shown=("Session",),
    ),
)
