"""The 志愿者 and 志愿服务时长 sheets of the demo legacy workbook: the volunteers of the demo's
三斗坪镇社会工作服务站 (ST-420506104, whose manager is the demo account `station`) and their hours,
as a station keeps them in Excel. 刘阿姨 is the volunteer casework/demo.py registers there. Rows are
numbered as in the sheet under its header row (header = 1). The hours sheet names the volunteers
the 志愿者 sheet brings in: import them in one workbook, or the 志愿者 sheet first.

志愿者:
- 2: 刘阿姨 (13907170099) is already on record: offered as update, skip or stop.
- 3, 4, 5, 6: good: a date as 2015.3.1, a phone in full-width digits, a date as an Excel serial
  number (42430), 2016年5月4日, a trailing space after a name, a phone stored as a number, 退出
  for a volunteer no longer active.
- 7: wrong — 电话待补 is not a phone number.
- 8: wrong — 龙泉镇社会工作服务站 is another station: its people import its volunteers.
- 9: wrong — 2015.2.30 is not a date.
- 10: wrong — 王秀英 with the same phone as row 3.
- 11: wrong — the name is missing.
- 12: wrong — registered in the future.

志愿服务时长:
- 2, 3, 4, 5: good: "3小时" for the hours, no phone where the name is enough, an Excel serial
  date (42522), hours in full-width digits, a phone stored as a number.
- 6: wrong — 刘阿姨's same hours on the same day as row 2.
- 7: wrong — 李四 is no volunteer of the station.
- 8: wrong — 25 hours in a day.
- 9: wrong — 2015-06-31 is not a date.
- 10: wrong — 半天 is not a number of hours.
"""


def volunteer_legacy_rows() -> dict[str, list[list]]:
    return {
        "志愿者": [
            ["姓名", "联系电话", "所属服务站", "技能特长", "注册日期", "状态"],
            ["刘阿姨", "13907170099", "三斗坪镇社会工作服务站", "照料儿童、辅导功课", "2015-06-01", "在册"],
            ["王秀英", "13872601234", "三斗坪镇社会工作服务站", "照料老人", "2015.3.1", "在册"],
            ["陈志强", "１３９７２６０５６７８", "三斗坪镇社会工作服务站", "电脑维修", 42430, "活跃"],
            ["赵敏 ", "13607201234", "", "心理疏导", "2016年5月4日", "活跃"],
            ["孙建华", 13607205678, "三斗坪镇社会工作服务站", "法律咨询", "2017-01-01", "退出"],
            ["周丽", "电话待补", "三斗坪镇社会工作服务站", "文艺表演", "2017-03-01", "在册"],
            ["吴刚", "13607209999", "龙泉镇社会工作服务站", "摄影", "2017-04-01", "在册"],
            ["郑红", "13607208888", "三斗坪镇社会工作服务站", "手工", "2015.2.30", "在册"],
            ["王秀英", "13872601234", "三斗坪镇社会工作服务站", "做饭", "2018-01-01", "在册"],
            ["", "13607207777", "三斗坪镇社会工作服务站", "", "2018-02-01", "在册"],
            ["钱多多", "13607206666", "三斗坪镇社会工作服务站", "跑腿", "2030-01-01", "在册"],
        ],
        "志愿服务时长": [
            ["姓名", "联系电话", "服务日期", "服务时长（小时）", "服务内容"],
            ["刘阿姨", "13907170099", "2015-05-01", "3小时", "陪伴双胞胎学习"],
            ["王秀英", "", "2015.6.1", 2.5, "陪老人聊天"],
            ["陈志强", "13972605678", 42522, "４", "社区爱心义卖"],
            ["孙建华", 13607205678, "2017-03-05", 1.5, "法律咨询进社区"],
            ["刘阿姨", "", "2015-05-01", 3, "陪伴双胞胎学习"],
            ["李四", "", "2015-05-02", 2, "打扫卫生"],
            ["王秀英", "13872601234", "2015-06-02", 25, "陪老人聊天"],
            ["陈志强", "", "2015-06-31", 2, "社区义诊"],
            ["赵敏", "13607201234", "2016-06-01", "半天", "心理疏导"],
        ],
    }
