"""The sheets 服务对象, 个案 and 历年结案 of the demo legacy workbook: the registers the 三斗坪镇 station
kept in Excel before the system, to be imported by its station manager (demo account `station`),
whose worker 胡群泽 and supervisor 陈敏 hold the cases. Some rows are wrong the ways people get them
wrong; the import explains each.

服务对象 (row numbers as in the sheet, the header being row 1):
- 2 王秀兰: good (独居老人 and 低保, a son working away).
- 3 刘德明: good, though typed with full-width digits in the ID number and phone (read as
  half-width) and a trailing space after his name and community.
- 4 张桂英: good, the consent date written 2015.3.1 and the birth date an Excel serial number.
- 5 李国庆: wrong: the ID number was stored as a number; Excel kept 15 digits and lost the last X.
- 6 陈春梅: wrong: the same ID number as row 2.
- 7 赵玉华: wrong: 幸福村 is no community of the district.
- 8 孙志强: wrong: 兴安社区 is in 小溪塔街道, not in the station's town.
- 9 周淑珍: wrong: no date of consent (a client is registered only with their consent).
- 10 吴海燕: wrong: the household column lacks the relations ("马丽 刘强"), and 低保户口 is no category.
- 11 郑文杰: wrong: the ID number's check digit is wrong.
- 12 叶先生: already on record (registered by the demo's casework): offered as update, skip or stop.
- 13 何红霞: wrong: the birth date 1990-05-01 is not the one the ID number holds.

个案:
- 2 王秀兰: good, in the intervention, with worker, supervisor and last note date.
- 3 刘德明: good, in assessment, opened on an Excel serial date.
- 4 张桂英: good, in intake, opened 2025.3.1, with no worker yet (the station manager assigns one).
- 5 叶先生: good, a second case of a client on record.
- 6 王秀兰: wrong: a closed case belongs in the sheet 历年结案.
- 7 刘德明: wrong: no one called 李雷 works at the station.
- 8 (an ID number nobody has): wrong: the client is neither on record nor in 服务对象.
- 9 张桂英: wrong: the last note date comes before the opening.

历年结案:
- 2 王秀兰: good, closed in 2019 with its goals reached.
- 3 叶先生: good, opened and closed as Excel serial dates, referred on.
- 4 刘德明: good, 2021, the client moved away.
- 5 张桂英: wrong: closed before it was opened.
- 6 王秀兰: wrong: 完成 is no reason for closing.
"""

from datetime import date

from socialwork.idnumbers import check_character

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def _id(born: str, sequence: str) -> str:
    first17 = f"420506{born}{sequence}"
    return first17 + check_character(first17)


def _serial(day: date) -> int:
    """The number Excel shows for a date whose cell lost its format."""
    return (day - date(1899, 12, 30)).days


WANG = _id("19480512", "126")
LIU = _id("19650708", "133")
ZHANG = _id("19720215", "142")
YE = _id("19740308", "031")  # 叶先生, registered by the demo's casework (casework.demo)
HE = _id("19880917", "148")


def _lost_x() -> float:
    """An ID number ending in X, as Excel keeps it when the column is a number: 15 digits."""
    sequence = next(s for s in range(100, 999) if check_character(f"42050619560303{s:03d}") == "X")
    return float(f"42050619560303{sequence:03d}0")


def _wrong_check(number: str) -> str:
    return number[:17] + ("1" if number[17] != "1" else "2")


CLIENT_HEADERS = ["姓名", "身份证号", "性别", "出生日期", "联系电话", "住址", "所在社区（村）", "对象类别", "家庭成员", "知情同意日期"]  # fmt: skip
CASE_HEADERS = ["服务对象身份证号", "服务对象姓名", "开案日期", "个案类别", "个案状态", "负责社工", "督导", "个案来源", "风险等级", "最近服务日期", "主要问题"]  # fmt: skip
CLOSED_HEADERS = ["服务对象身份证号", "服务对象姓名", "开案日期", "结案日期", "个案类别", "结案原因", "服务成效", "负责社工", "督导"]  # fmt: skip


def legacy_rows() -> dict[str, list[list]]:
    clients = [
        CLIENT_HEADERS,
        ["王秀兰", WANG, "女", "1948-05-12", "13907171201", "三斗坪镇三斗坪社区12号", "三斗坪社区", "独居老人、低保",
         "王建国(儿子，在外务工)", "2023-05-10"],
        ["刘德明 ", LIU.translate(FULL_WIDTH), "男", "", "１３９０７１７１２０２", "新店村3组", "新店村 ", "残疾",
         "刘芳(女儿)、陈玉兰(配偶，务农)", "2024-01-08"],
        ["张桂英", ZHANG, "女", _serial(date(1972, 2, 15)), "13907171203", "黄河村5组", "黄河村", "特困", "", "2015.3.1"],
        ["李国庆", _lost_x(), "男", "", "13907171204", "金垭村", "金垭村", "低保", "", "2024-06-01"],
        ["陈春梅", WANG, "女", "", "13907171205", "山庄村", "山庄村", "", "", "2024-06-02"],
        ["赵玉华", _id("19790101", "122"), "女", "", "", "幸福村", "幸福村", "", "", "2024-06-03"],
        ["孙志强", _id("19810606", "111"), "男", "", "", "兴安社区", "兴安社区", "", "", "2024-06-04"],
        ["周淑珍", _id("19500909", "128"), "女", "", "", "梅溪村", "梅溪村", "独居老人", "", ""],
        ["吴海燕", _id("19850404", "146"), "女", "", "", "和岩村", "和岩村", "低保户口", "马丽 刘强", "2024-06-06"],
        ["郑文杰", _wrong_check(_id("19900202", "111")), "男", "", "", "寿湖村", "寿湖村", "", "", "2024-06-07"],
        ["叶先生", YE, "男", "", "13907170001", "三斗坪社区", "三斗坪社区", "低保", "陈女士(配偶)、叶同学(儿子)", "2024-01-02"],
        ["何红霞", HE, "女", "1990-05-01", "", "石湾村", "石湾村", "", "", "2024-06-09"],
    ]  # fmt: skip
    cases = [
        CASE_HEADERS,
        [WANG, "王秀兰", "2024-03-01", "独居老人", "介入", "胡群泽", "陈敏", "主动发现", "中", "2025-11-20",
         "独居高龄，行动不便，需要生活照料和紧急呼叫设备"],
        [LIU, "刘德明", _serial(date(2025, 6, 3)), "残疾", "预估", "胡群泽", "陈敏", "转介", "低", "", ""],
        [ZHANG, "张桂英", "2025.3.1", "低保", "接案", "", "", "", "", "", "特困供养，房屋漏雨"],
        [YE, "叶先生", "2025-09-15", "低保", "计划", "胡群泽", "陈敏", "来访", "中", "2025-10-30", "康复后再就业"],
        [WANG, "王秀兰", "2022-01-10", "独居老人", "结案", "胡群泽", "", "", "", "", ""],
        [LIU, "刘德明", "2023-02-01", "残疾", "介入", "李雷", "", "", "", "", ""],
        [_id("19990909", "999"), "无名氏", "2024-02-02", "", "接案", "", "", "", "", "", ""],
        [ZHANG, "张桂英", "2024-05-01", "", "介入", "胡群泽", "", "", "", "2024-04-01", ""],
    ]  # fmt: skip
    closed = [
        CLOSED_HEADERS,
        [WANG, "王秀兰", "2019-04-01", "2019-12-20", "独居老人", "目标达成", "链接居家养老服务，每周探访一次", "胡群泽", "陈敏"],
        [YE, "叶先生", _serial(date(2020, 3, 2)), _serial(date(2020, 11, 30)), "低保", "转介", "转介区残联办理辅助器具", "", ""],
        [LIU, "刘德明", "2021.5.6", "2021.9.30", "残疾", "迁出", "", "", ""],
        [ZHANG, "张桂英", "2020-08-01", "2020-06-30", "低保", "目标达成", "", "", ""],
        [WANG, "王秀兰", "2018-01-01", "2018-06-30", "", "完成", "", "", ""],
    ]  # fmt: skip
    return {"服务对象": clients, "个案": cases, "历年结案": closed}
