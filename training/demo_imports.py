"""The 培训记录 sheet of the demo legacy workbook: the district's training register as a bureau
keeps it, one row per person per session, fitting the demo district (socialwork/demo.py: its
network, its workers, the 2015 continuing education series already on record).

Rows (numbered as in the sheet, the header being row 1; the lead may add title rows above):
 2  good: a registered worker (张杰) found by the ID number.
 3  wrong: 吴磊's ID number was stored as a number and lost its final X.
 4  good: a registered worker (马宇娟) without an ID number, found by name and unit.
 5  good: an outside participant, kept by name and unit (a community worker).
 6  wrong: repeats row 2 (same series, date and person).
 7  good: the training's name and unit with a trailing space, the date written 2017.5.20, the hours
    and the ID number in full-width digits.
 8  good: the same session, its date an Excel serial number (42875 = 2017-05-20); not completed
    (不合格): absent, no hours.
 9  duplicate: 蔡超 attended the 2015 continuing education session already on record
    (offered as update, skip or stop).
10  wrong: the same session on record credits 6 hours, the row says 8.
11  wrong: the unit is written 夷陵区社工协会, not as the network names it.
12  wrong: a date in the future (this training has not taken place).
13  wrong: 陈萍's ID number with the name 陈平.
14  wrong: neither an ID number nor a unit to tell the person apart.
"""

HEADERS = ["培训名称", "培训类别", "举办单位", "开始日期", "结束日期", "学时", "姓名", "身份证号", "工作单位",
           "人员类别", "考核结果"]  # fmt: skip

SKILLS = "2016年社会工作实务能力提升培训"
CORRECTION = "2017年社区矫正社会工作专题培训"
CONTINUING = "社会工作专业人才继续教育示范培训"  # on record since the demo seed (2015-09-15, 6 hours)
CENTRE = "夷陵区社会工作服务中心"
SANDOUPING = "三斗坪镇社会工作服务站"


def legacy_rows() -> dict[str, list[list]]:
    return {
        "培训记录": [
            HEADERS,
            [SKILLS, "实务技能培训", CENTRE, "2016-04-12", "2016-04-13", 12, "张杰", "420506196703030021",
             "小溪塔街道社会工作服务站", "", "合格"],
            [SKILLS, "实务技能培训", CENTRE, "2016-04-12", "2016-04-13", 12, "吴磊", 420506197309090000,
             "分乡镇社会工作服务站", "", "合格"],
            [SKILLS, "实务技能培训", CENTRE, "2016-04-12", "2016-04-13", 12, "马宇娟", "", SANDOUPING, "", "合格"],
            [SKILLS, "实务技能培训", CENTRE, "2016-04-12", "2016-04-13", 12, "王小红", "", "三斗坪社区居委会",
             "社区工作者", "合格"],
            [SKILLS, "实务技能培训", CENTRE, "2016-04-12", "2016-04-13", 12, "张杰", "420506196703030021",
             "小溪塔街道社会工作服务站", "", "合格"],
            [CORRECTION + " ", "继续教育", SANDOUPING + " ", "2017.5.20", "", "６", "林芬怡",
             "４２０５０６１９８３０７１９０１８８", "小溪塔街道社会工作服务站", "", "合格"],
            [CORRECTION, "继续教育", SANDOUPING, 42875, "", 6, "何超", "420506198105170162",
             "龙泉镇社会工作服务站", "", "不合格"],
            [CONTINUING, "", CENTRE, "2015年9月15日", "", 6, "蔡超", "420506198408204390", "", "", "完成"],
            [CONTINUING, "", CENTRE, "2015-09-15", "", 8, "李秀", "420506196606027015", "", "", "完成"],
            ["2018年社会工作督导能力培训", "督导示范", "夷陵区社工协会", "2018-06-08", "", 6, "陈萍",
             "420506196905050047", "樟村坪镇社会工作服务站", "", "合格"],
            ["2030年社会工作者继续教育", "继续教育", CENTRE, "2030-03-01", "", 6, "徐刚", "420506197511110101",
             "太平溪镇社会工作服务站", "", ""],
            [SKILLS, "实务技能培训", CENTRE, "2016-04-12", "2016-04-13", 12, "陈平", "420506196905050047",
             "樟村坪镇社会工作服务站", "", "合格"],
            [SKILLS, "实务技能培训", CENTRE, "2016-04-12", "2016-04-13", 12, "李娜", "", "", "志愿者", "合格"],
        ]
    }  # fmt: skip
