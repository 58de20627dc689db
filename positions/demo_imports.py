"""The 考试成绩 and 表彰奖励 sheets of the demo legacy workbook: exam results and awards of the demo
district's workers (positions/demo_workforce.py: worker n is `_name(n)` with `_id_number(n)`) as a
bureau keeps them in Excel. Rows are numbered as in the sheet under its header row (header = 1).

考试成绩:
- 2: 李丽's 2015 pass at the social worker level is already on record: offered as update, skip or stop.
- 3, 4, 5: good: a score in full-width digits (６５.５), a year with a trailing space, 初级 and 中级
  for the levels, 合格 and 未通过 for the results. 胡静浩's and 郭艳's passes raise their certificates.
- 6: wrong — 吴磊's ID number was stored as a number: its last character X is gone.
- 7: wrong — nobody in the district has this ID number (a worker never registered).
- 8: wrong — the ID number is 郭艳's, not 何兰's.
- 9: wrong — 2005: the national exam was first held in 2008.
- 10: wrong — 缺考 is not a result (passed or not passed).

表彰奖励:
- 2, 3, 4, 5: good: 市级, 区级 with a trailing space after the name, 国家级, a year in full-width
  digits (２０２０).
- 6: wrong — the ID number lost its last digit (17 characters).
- 7: wrong — 乡镇级 is not a level of award (national, provincial, city, district).
- 8: wrong — the award's name is missing.
- 9: wrong — 2015.6 is not a year.
"""

from positions.demo_workforce import _id_number, _name


def _worker(n: int) -> tuple[str, str]:
    return _name(n), _id_number(n)[0]


# The demo workers the sheets name (n: 1 and 2 hold the social worker level, 1095 and 1096 the
# assistant level, 3264 and upwards no certificate).
DEMO_WORKERS = [_worker(n) for n in (1, 2, 3, 5, 8, 1095, 1096, 3264, 3265)]


def legacy_rows() -> dict[str, list[list]]:
    (li, _), (zhang, zhang_id), (liu, liu_id), (yang, yang_id) = (_worker(n) for n in (1, 2, 3, 5))
    wei, lv, hu, guo = (_worker(n) for n in (1095, 1096, 3264, 3265))
    wu_name, wu_id = _worker(8)  # 42050619730909008X
    return {
        "考试成绩": [
            ["姓名", "身份证号码", "考试年份", "报考级别", "考试结果", "成绩"],
            [li, _worker(1)[1], 2015, "中级", "通过", 78],
            [hu[0], hu[1], 2016, "助理社会工作师", "合格", "６５.５"],
            [guo[0], guo[1], "2017 ", "初级", "通过", 62],
            [wei[0], wei[1], 2016, "中级", "未通过", 55],
            [wu_name, int(wu_id[:-1]), 2016, "初级", "合格", 70],
            ["王小明", "420506198808082011", 2016, "初级", "合格", 66],
            ["何兰", guo[1], 2018, "中级", "合格", 61],
            [zhang, zhang_id, 2005, "初级", "合格", 70],
            [liu, liu_id, 2016, "高级", "缺考", ""],
        ],
        "表彰奖励": [
            ["姓名", "身份证号", "荣誉名称", "表彰级别", "表彰年份", "颁发单位"],
            [zhang, zhang_id, "优秀社会工作者", "市级", 2016, "宜昌市民政局"],
            [f"{liu} ", liu_id, "最美社工", "区级", 2018, "夷陵区民政局"],
            [yang, yang_id, "全国优秀社会工作者", "国家级", 2019, "民政部"],
            [lv[0], lv[1], "湖北省优秀志愿服务工作者", "省级", "２０２０", "湖北省民政厅"],
            [wei[0], wei[1][:-1], "优秀社工", "区级", 2017, "夷陵区民政局"],
            [hu[0], hu[1], "优秀网格员", "乡镇级", 2019, "小溪塔街道办事处"],
            [guo[0], guo[1], "", "区级", 2019, "夷陵区民政局"],
            [zhang, zhang_id, "十佳社工", "区级", "2015.6", "夷陵区民政局"],
        ],
    }
