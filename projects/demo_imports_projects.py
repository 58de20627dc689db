"""The 项目 and 项目付款 sheets of the demo legacy workbook: a bureau's register of past projects
and its ledger of what it paid, for the demo district (Yiling: socialwork/demo.py,
projects/demo.py: the 2015 budget of 1.29 million has 100,000 left uncommitted; this year's
budget of 1.5 million is untouched; the 2015 micro-project call has a ceiling of 40,000).

项目, rows numbered as in the sheet under its header row (header = row 1):
- 2, 3, 4: good, projects of 2015 that use up the 100,000 left: 2 accepted (amount written 6万,
  acceptance date an Excel serial number), 3 accepted (amount in full-width digits, a trailing
  space after its name, the organization by its name, under the existing micro-project call),
  4 failed its acceptance (terminated; the community by its code).
- 5, 6: good, running projects of this year, their organizations brought in by the 社会组织 sheet
  of the same workbook (52420506MJY100001B, 52420506MJY100002E): accepted once that sheet comes
  first; a call of this year for government purchase and one for venture philanthropy are made.
- 7: wrong — the 2015 budget is used up by the rows above.
- 8: wrong — there is no budget for 2016 (written 2016年).
- 9: wrong — no organization has the credit code 52420506MJH000900… (the demo has 289).
- 10: wrong — the credit code's check character is wrong.
- 11: wrong — the term is one month, not two dates.
- 12: wrong — the same project number as row 2.
- 13: wrong — 兴安小区 is no community of the district (兴安社区 is).
- 14: wrong — an acceptance result without its score.

项目付款:
- 2, 3, 4: good, what was paid on row 2's project: two stages (one dated by an Excel serial
  number) and the final share once accepted (尾款).
- 5, 6: good, the first instalments of rows 3 and 5 (a date in full-width digits).
- 7: wrong — no project has the number YL-GM-2014-009.
- 8: wrong — 壹万元 is not an amount.
- 9: wrong — 2015.13.1 is not a date.
- 10: wrong — the final share of a demo project that has not passed acceptance.
"""

from datetime import date

from projects.demo import _ORG_NAMES, _credit_code

HEADERS = [
    "年度", "项目名称", "项目编号", "项目类别", "服务领域", "服务社区", "承接机构", "服务对象", "受益人数",
    "合同金额", "合同起止日期", "签订日期", "验收结果", "验收得分", "验收日期", "评估机构",
]  # fmt: skip
PAYMENT_HEADERS = ["项目编号", "付款日期", "付款金额", "付款节点"]
EVALUATOR = "宜昌市社会工作评估中心"


def _row(**values) -> list:
    return [values.get(header, "") for header in HEADERS]


def legacy_rows() -> dict[str, list[list]]:
    year = date.today().year
    wrong_check = _credit_code(4)[:-1] + ("0" if _credit_code(4)[-1] != "0" else "1")
    projects = [
        HEADERS,
        _row(年度=2015, 项目名称="空巢老人关爱服务", 项目编号="YL-GM-2015-101", 项目类别="政府购买服务",
             服务领域="养老", 服务社区="兴安社区", 承接机构=_credit_code(3), 服务对象="空巢独居老人", 受益人数=86,
             合同金额="6万", 合同起止日期="2015.6.1-2015.12.31", 签订日期="2015.5.25", 验收结果="合格",
             验收得分=90, 验收日期=42380, 评估机构=EVALUATOR),
        _row(年度=2015, 项目名称="龙泉社区禁毒宣传进万家  ", 项目编号="YL-GM-2015-102", 项目类别="公益微项目",
             服务领域="特殊人群", 服务社区="龙泉社区", 承接机构=f"夷陵区{_ORG_NAMES[2]}003", 服务对象="辖区居民",
             受益人数=300, 合同金额="３００００", 合同起止日期="2015年6月1日至2015年11月30日", 验收结果="优秀",
             验收得分="９２", 验收日期="2016年1月15日", 评估机构=EVALUATOR),
        _row(年度=2015, 项目名称="社区矫正对象帮扶", 项目编号="YL-GM-2015-103", 项目类别="公益微项目",
             服务领域="社区矫正", 服务社区="420506104001", 承接机构=_credit_code(5), 服务对象="社区矫正对象",
             受益人数=12, 合同金额=10000, 合同起止日期="2015/6/1-2015/12/31", 验收结果="不合格", 验收得分=55,
             验收日期="2016.1.20", 评估机构=EVALUATOR),
        _row(年度=year, 项目名称="三斗坪社区残疾人康复服务", 项目编号=f"YL-GM-{year}-001", 项目类别="政府购买服务",
             服务领域="残疾人", 服务社区="三斗坪社区", 承接机构="52420506MJY100001B", 服务对象="持证残疾人",
             受益人数=45, 合同金额="18万", 合同起止日期=f"{year}.1.1-{year}.12.31", 签订日期=f"{year}.1.1"),
        _row(年度=f"{year}年", 项目名称="青少年成长陪伴计划", 项目编号=f"YL-GM-{year}-002", 项目类别="公益创投",
             服务领域="青少年", 服务社区="兴安社区", 承接机构="52420506MJY100002E", 服务对象="辖区青少年",
             受益人数=60, 合同金额=80000, 合同起止日期=f"{year}-01-01 至 {year}-12-31"),
        _row(年度=2015, 项目名称="家庭教育指导", 项目编号="YL-GM-2015-104", 项目类别="政府购买服务",
             服务领域="家庭", 服务社区="兴安社区", 承接机构=_credit_code(6), 合同金额=50000,
             合同起止日期="2015.7.1-2015.12.31"),
        _row(年度="2016年", 项目名称="困境儿童关爱", 项目编号="YL-GM-2016-001", 项目类别="政府购买服务",
             服务领域="青少年", 服务社区="龙泉社区", 承接机构=_credit_code(7), 合同金额=60000,
             合同起止日期="2016.3.1-2016.12.31"),
        _row(年度=2015, 项目名称="退役军人之家", 项目编号="YL-GM-2015-105", 项目类别="政府购买服务",
             服务领域="优抚", 服务社区="兴安社区", 承接机构=_credit_code(900), 合同金额=20000,
             合同起止日期="2015.6.1-2015.12.31"),
        _row(年度=2015, 项目名称="独居老人助餐", 项目编号="YL-GM-2015-106", 项目类别="公益微项目",
             服务领域="养老", 服务社区="兴安社区", 承接机构=wrong_check, 合同金额=20000,
             合同起止日期="2015.6.1-2015.12.31"),
        _row(年度=2015, 项目名称="四点半课堂", 项目编号="YL-GM-2015-107", 项目类别="公益微项目",
             服务领域="青少年", 服务社区="龙泉社区", 承接机构=_credit_code(8), 合同金额=20000,
             合同起止日期="2015年6月"),
        _row(年度=2015, 项目名称="空巢老人关爱服务（二期）", 项目编号="YL-GM-2015-101", 项目类别="政府购买服务",
             服务领域="养老", 服务社区="兴安社区", 承接机构=_credit_code(3), 合同金额=20000,
             合同起止日期="2015.9.1-2015.12.31"),
        _row(年度=2015, 项目名称="邻里守望", 项目编号="YL-GM-2015-108", 项目类别="公益微项目", 服务领域="其他",
             服务社区="兴安小区", 承接机构=_credit_code(9), 合同金额=20000, 合同起止日期="2015.6.1-2015.12.31"),
        _row(年度=2015, 项目名称="婚姻家庭调适", 项目编号="YL-GM-2015-109", 项目类别="公益微项目",
             服务领域="家庭", 服务社区="龙泉社区", 承接机构=_credit_code(10), 合同金额=20000,
             合同起止日期="2015.6.1-2015.12.31", 验收结果="合格", 验收日期="2016.1.10"),
    ]  # fmt: skip
    payments = [
        PAYMENT_HEADERS,
        ["YL-GM-2015-101", "2015.6.5", 30000, "项目启动"],
        ["YL-GM-2015-101", 42277, 24000, "中期评估"],
        ["YL-GM-2015-101", "2016.1.20", 6000, "尾款"],
        ["YL-GM-2015-102", "２０１５.７.１", 15000, "首期"],
        [f"YL-GM-{year}-001", f"{year}.1.15", 90000, "首期"],
        ["YL-GM-2014-009", "2014.7.1", 10000, "首期"],
        ["YL-GM-2015-103", "2015.7.1", "壹万元", "首期"],
        ["YL-GM-2015-103", "2015.13.1", 5000, "首期"],
        ["YL-GM-2015-001", "2016.1.10", 2632, "尾款"],
    ]
    return {"项目": projects, "项目付款": payments}
