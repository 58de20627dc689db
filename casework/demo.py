"""Demo case records with the stories of seed 001, at the station of the demo accounts.

(a) Social worker 胡群泽 helps the Ye family after Mr Ye's traffic accident: the basic livelihood,
    the son's tuition and a job after recovery, through the former employer's trade union, the
    traffic police (30,000 yuan of compensation in mediation), Yucai Middle School (tuition
    waived) and a welfare enterprise (a job). Supervised by 陈敏; closed with its goals reached.
(b) Twins of five whose mother is bedridden: an open case, the "亲青家园" group for children in
    distress with its sessions, a caring neighbour paired with the twins, two community activities.
(c) Senior social worker 陈 (the demo supervisor) asks the Disabled Persons' Federation to raise the
    autism rehabilitation subsidy from 800 to 2,000 yuan a month: adopted, with two autism cases as
    its evidence.
Plus twenty cases in every state so that lists and reminders have something to show.

Everything is made through casework.services, as the demo accounts would make it, with dates
counted back from today. The demo accounts exist only in demo mode, so this runs after them.
Idempotent: once the Ye family is on record, nothing is added.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from casework import services
from casework.categories import AGES, GENDERS
from casework.demo_followups import demo_project, seed_follow_ups, seed_satisfaction_questions
from casework.models import Assessment, Case, Client, Group, HouseholdMember, Referral, ServiceNote
from casework.models.common import RiskLevel
from casework.selectors import station_of
from positions.models import Region
from socialwork.idnumbers import check_character

A, M, R = Assessment.Domain, ServiceNote.Method, Referral
H = HouseholdMember.Relation


def _id_number(born: date, sequence: int) -> str:
    first17 = f"420506{born:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


class _Story:
    """The demo accounts and the days counted back from today."""

    def __init__(self, worker, supervisor, manager):
        self.worker, self.supervisor, self.manager = worker, supervisor, manager
        self.today = timezone.localdate()
        self.community = worker.unit.region
        self.made = {"clients": 0, "cases": 0, "closed": 0, "groups": 0, "activities": 0, "advocacy": 0}

    def ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def client(self, name, gender, born, *, actor=None, sequence=0, phone="", household=(), categories=()):
        self.made["clients"] += 1
        return services.client_register(
            actor=actor or self.worker,
            name=name,
            gender=gender,
            birth_date=None if sequence else born,
            id_number=_id_number(born, sequence) if sequence else "",
            phone=phone,
            address=f"{self.community.name}" if self.community else "",
            community=self.community,
            consents_to_services=True,
            consents_to_data_processing=True,
            consent_recorded_on=self.today,
            household=[{"name": n, "relation": r, "situation": s} for n, r, s in household],
            categories=[c for c in categories if c is not None],
        )

    def open(self, clients, intake_days_ago, problem, *, actor=None, supervisor=None, **fields):
        self.made["cases"] += 1
        return services.case_open(
            actor=actor or self.worker,
            clients=clients,
            intake_on=self.ago(intake_days_ago),
            presenting_problem=problem,
            supervisor=supervisor,
            **fields,
        )

    def note(self, case, days_ago, content, *, method=M.HOME_VISIT, minutes=60, actor=None):
        services.note_add(
            actor=actor or case.worker or self.manager, case=case, noted_on=self.ago(days_ago), method=method,
            minutes=minutes, content=content,
        )  # fmt: skip

    def assess(self, case, days_ago, risk, domains, summary="", actor=None):
        actor = actor or case.worker or self.manager
        services.case_move(actor=actor, case=case, move="assess")
        services.assessment_record(
            actor=actor, case=case, assessed_on=self.ago(days_ago), risk_level=risk, summary=summary,
            domains={domain: {"needs": needs, "strengths": strengths, "risk": level}
                     for domain, needs, strengths, level in domains},
        )  # fmt: skip

    def plan(self, case, goals, tasks, *, approve=True):
        """Write the plan (goals with indicators; tasks as (description, due days ago, goal)),
        have the supervisor approve it and start the intervention."""
        services.case_move(actor=case.worker, case=case, move="plan")
        plan = services.plan_save(
            actor=case.worker, case=case,
            goals=[{"description": d, "indicator": i, **self.measured(*rest)} for d, i, *rest in goals],
            tasks=[{"description": d, "owner": "胡群泽", "due_on": self.ago(days), "goal": g} for d, days, g in tasks],
        )  # fmt: skip
        if approve:
            services.plan_submit(actor=case.worker, plan=plan)
            services.plan_decide(
                actor=self.supervisor, plan=plan, approve=True, comment="目标清晰，同意实施。"
            )
            services.case_move(actor=case.worker, case=case, move="intervene")
        return plan

    def measured(self, measure=None) -> dict:
        """A goal's measure before the work: (name, kind, direction, value, days ago)."""
        if measure is None:
            return {}
        name, kind, direction, value, days_ago = measure
        return {"measure": name, "measure_kind": kind, "direction": direction, "before_value": Decimal(value),
                "before_on": self.ago(days_ago)}  # fmt: skip

    def measure_after(self, case, goal_number, value, days_ago):
        goal = case.plans.order_by("-version").first().goals.all()[goal_number]
        services.goal_measure_record(
            actor=case.worker, goal=goal, phase="after", value=Decimal(value), measured_on=self.ago(days_ago)
        )

    def refer(
        self, case, kind, target, request, days_ago, *, outcome="", note="", amount=None, concluded=None,
        answered=None, status=R.Status.SUCCEEDED,
    ):  # fmt: skip
        """A referral made `days_ago`; answered `answered` days ago (as it concluded, unless given);
        concluded `concluded` days ago with `outcome`, or left open at `status`."""
        referral = services.referral_add(
            actor=case.worker, case=case, target_kind=kind, target=target, request=request,
            referred_on=self.ago(days_ago),
        )  # fmt: skip
        if outcome:
            services.referral_update(
                actor=case.worker, referral=referral, status=status, outcome=outcome,
                outcome_note=note, amount=amount, concluded_on=self.ago(concluded),
                answered_on=self.ago(answered) if answered is not None else None,
            )  # fmt: skip
        elif answered is not None:
            services.referral_update(
                actor=case.worker, referral=referral, status=status, answered_on=self.ago(answered)
            )
        return referral

    def close(self, case, summary, *, feedback="", satisfaction=5, goals_reached="", evidence=()):
        """Close with every goal reached; `evidence` gives each goal's, in order."""
        plan = case.plans.order_by("-version").first()
        goals = list(plan.goals.all()) if plan else []
        services.closing_request(
            actor=case.worker, case=case, reason="goals_reached", summary=summary, goals_reached=goals_reached,
            client_feedback=feedback, satisfaction=satisfaction,
            reached_goals=goals if plan and not evidence else None,
            goal_outcomes=[{"goal": goal, "outcome": "reached", "evidence": text}
                           for goal, text in zip(goals, evidence, strict=False)] if evidence else None,
        )  # fmt: skip
        closing = case.closings.get(status="submitted")
        services.closing_decide(actor=self.supervisor, closing=closing, approve=True, comment="同意结案。")
        self.made["closed"] += 1


def seed_casework() -> dict[str, int]:
    """The demo's case records; nothing when the demo accounts are missing or it ran before."""
    users = get_user_model().objects.filter(username__in=["worker", "supervisor", "station"])
    users = {user.username: user for user in users.select_related("unit__region")}
    if len(users) < 3 or users["worker"].unit is None:
        return {"clients": 0, "cases": 0, "closed": 0, "groups": 0, "activities": 0, "advocacy": 0}
    station = station_of(users["worker"].unit)
    seed_policies()
    if Client.objects.filter(station=station, name="叶先生").exists():
        link_demo_project(station)
        seed_satisfaction_questions()
        return {"clients": 0, "cases": 0, "closed": 0, "groups": 0, "activities": 0, "advocacy": 0}
    story = _Story(users["worker"], users["supervisor"], users["station"])
    seed_satisfaction_questions()
    _ye_family(story)
    _twins(story)
    _autism(story)
    _more_cases(story)
    link_demo_project(station)
    seed_follow_ups(worker=story.worker, station=station)
    return story.made


def seed_policies() -> None:
    """The case records policies of the demo city (socialwork.local_rules): 宜昌市 publishes the
    default, which 夷陵区 follows; 点军区, a smaller district, keeps its own, flagging a case quiet
    after 21 days and following up a closed case after 14. Once."""
    from casework.models import CaseworkPolicy

    city = Region.objects.filter(code="420500").first()
    dianjun = Region.objects.filter(code="420504").first()
    if city is not None:
        CaseworkPolicy.objects.get_or_create(region=city)
    if dianjun is not None:
        CaseworkPolicy.objects.get_or_create(
            region=dianjun, defaults={"quiet_case_days": 21, "follow_up_after_days": 14}
        )


DEMO_PROJECT_CASES = 8


def link_demo_project(station) -> int:
    """Some of the station's demo work is done under a project of the station's area (else the
    first project in progress), so that the project's evaluation dossier has casework to count:
    the first cases, the group and the activities. Once: nothing when any case already names a
    project. The number of cases linked."""
    from casework.models import CommunityActivity

    if station is None or Case.objects.filter(station=station, project__isnull=False).exists():
        return 0
    project = demo_project(station)
    if project is None:
        return 0
    # The demo's records are made as the worker made them; which project they served is said here.
    cases = list(Case.objects.filter(station=station).order_by("pk").values_list("pk", flat=True))
    linked = Case.objects.filter(pk__in=cases[:DEMO_PROJECT_CASES]).update(project=project)
    Group.objects.filter(station=station).update(project=project)
    CommunityActivity.objects.filter(station=station).update(project=project)
    return linked


def _category(code):
    from casework.models import VulnerabilityCategory

    return VulnerabilityCategory.objects.filter(code=code).first()


# (a) The Ye family


def _ye_family(story: _Story) -> Case:
    son_born = story.ago(12 * 365 + 100)
    ye = story.client(
        "叶先生", Client.Gender.MALE, date(1974, 3, 8), sequence=31, phone="13907170001",
        household=[("陈女士", H.SPOUSE, "智力残疾，无法外出工作"),
                   ("叶同学", H.CHILD, f"{son_born.year}年生，小学即将毕业，将升入初中")],
        categories=[_category("low_income")],
    )  # fmt: skip
    chen = story.client(
        "陈女士", Client.Gender.FEMALE, date(1978, 11, 20), sequence=42,
        household=[("叶先生", H.SPOUSE, "车祸致左脚骨折，休养中"), ("叶同学", H.CHILD, "即将升入初中")],
        categories=[_category("disabled"), _category("low_income")],
    )  # fmt: skip
    case = story.open(
        [ye, chen], 400,
        "叶先生回乡途中遭遇车祸，左脚骨折，至少需休养半年。全家原靠叶先生打零工维持生活，妻子陈女士智力残疾"
        "无法工作，儿子即将升入初中，学区学校育才中学为民办学校，学费高昂。叶先生情绪低落，对生活失去信心。",
        supervisor=story.supervisor, source=Case.Source.REFERRAL, referred_by="三斗坪社区居委会",
        risk_level=RiskLevel.HIGH, category=_category("low_income"),
    )  # fmt: skip
    story.note(
        case,
        400,
        "接案家访：了解车祸经过和家庭经济状况，叶先生情绪低落，唉声叹气。建立专业关系。",
        minutes=90,
    )
    story.assess(
        case, 396, RiskLevel.HIGH,
        [(A.ECONOMIC, "全家依靠叶先生打零工，车祸后收入中断，基本生活难以为继", "居住在社区保障房", "high"),
         (A.HEALTH, "叶先生左脚骨折，需休养至少六个月；叶先生先天近视", "骨折可康复", "medium"),
         (A.EDUCATION, "儿子即将升入初中，育才中学为民办学校，学费无力承担", "儿子学习努力", "high"),
         (A.EMPLOYMENT, "叶先生原在杭州纺织企业工作，下岗返乡后打零工，康复后需要稳定工作", "有工作意愿和经验", "medium"),
         (A.PSYCHOLOGICAL, "车祸后对生活失去信心，情绪消沉", "关心家人，愿意接受帮助", "medium"),
         (A.SOCIAL_SUPPORT, "亲友支持有限", "原单位工会、社区可提供支持", "")],
        summary="家庭遭遇突发事故，经济、教育、就业多重困难，需尽快保障基本生活并增强家庭造血能力。",
    )  # fmt: skip
    story.note(
        case, 394, "与清水湾社区其他几位社工召开个案研讨会，共同制定帮扶方案。", method=M.OFFICE, minutes=120
    )
    plan = story.plan(
        case,
        [("保障家庭基本生活", "尽快获得经济援助和事故赔偿，家庭基本生活有保障",
          ("家庭经济状况自评（1–10分）", "rating", "higher", "2", 396)),
         ("解决儿子的学费问题", "儿子顺利入读初中，学费得到减免"),
         ("叶先生康复后找到稳定工作", "叶先生康复后有稳定工作和收入，重建生活信心",
          ("一般自我效能感量表 GSES", "score", "higher", "16", 396))],
        [("联系叶先生原单位工会和劳动部门，反映家庭困难", 385, 0),
         ("向处理事故的交警说明家庭经济状况，争取调解赔偿", 380, 0),
         ("走访育才中学董事长，反映家庭情况", 350, 1),
         ("多方联系就业岗位", 60, 2)],
    )  # fmt: skip
    story.refer(
        case, R.TargetKind.ORGANIZATION, "叶先生原工作单位工会及劳动部门", "反映叶先生家庭困难，申请经济援助", 385,
        outcome=R.Outcome.FINANCIAL_AID, note="原单位给予叶先生一定的经济援助。", concluded=365, answered=381,
    )  # fmt: skip
    story.note(
        case, 365, "电话回访：原单位经济援助已到位，家庭基本生活暂时有保障。", method=M.PHONE, minutes=20
    )
    story.refer(
        case, R.TargetKind.DEPARTMENT, "处理事故的交警大队", "详细说明叶先生家庭经济状况，请交警在调解中向对方说明情况，"
        "为叶先生争取更多赔偿", 380,
        outcome=R.Outcome.COMPENSATION, amount=Decimal("30000.00"), concluded=340, answered=376,
        note="调解中叶先生同意放弃伤残鉴定，对方同意在扣除医疗费后一次性赔偿30,000元。",
    )  # fmt: skip
    story.note(
        case, 340, "陪同叶先生参加事故调解，达成一次性赔偿30,000元的协议。", method=M.OFFICE, minutes=150
    )
    story.refer(
        case, R.TargetKind.PERSON, "育才中学董事长", "上门反映叶先生家庭困难，请学校减免其儿子的学费", 350,
        outcome=R.Outcome.FEES_WAIVED, note="育才中学为叶先生的儿子免除全部学费。", concluded=335, answered=346,
    )  # fmt: skip
    story.note(case, 335, "育才中学同意免除全部学费，儿子顺利入学。叶先生情绪明显好转。")
    services.follow_up_schedule(
        actor=story.worker, case=case, due_on=story.ago(300), purpose="回访叶先生康复情况"
    )
    follow_up = case.follow_ups.get()
    services.follow_up_done(
        actor=story.worker,
        follow_up=follow_up,
        done_on=story.ago(298),
        result="骨折愈合良好，已能短距离行走。",
    )
    services.review_add(
        actor=story.supervisor, case=case, reviewed_on=story.ago(200),
        comments="经济援助、赔偿和学费减免均已落实，服务成效明显。",
        advice="下一阶段重点放在叶先生康复后的就业上，注意增强其自我效能感。",
    )  # fmt: skip
    story.note(case, 120, "家访：叶先生已基本康复，表达了强烈的就业意愿，一起梳理其工作经历和特长。")
    story.refer(
        case, R.TargetKind.ORGANIZATION, "三洋电子公司（福利企业）", "经街道民政办主任协调，为康复后的叶先生提供就业岗位",
        60, outcome=R.Outcome.JOB, note="叶先生在福利企业三洋电子公司就业。", concluded=35, answered=56,
    )  # fmt: skip
    for task in plan.tasks.all():
        services.task_done(
            actor=story.worker, task=task, done_on=min(task.due_on + timedelta(days=5), story.today)
        )
    services.follow_up_schedule(
        actor=story.worker, case=case, due_on=story.ago(10), purpose="了解叶先生的工作适应情况"
    )
    services.follow_up_done(
        actor=story.worker, follow_up=case.follow_ups.get(done_on__isnull=True), done_on=story.ago(10),
        result="叶先生工作上手，收入增加，已加入社区志愿服务队；儿子成绩优秀、身体健康。",
    )  # fmt: skip
    story.measure_after(case, 0, "8", 9)
    story.measure_after(case, 2, "32", 9)
    story.note(case, 8, "结案评估：三项目标均已达成，家庭生活走上正轨。")
    services.case_move(actor=story.worker, case=case, move="evaluate")
    story.close(
        case, "通过链接原单位工会、交警、育才中学和福利企业等资源，保障了家庭基本生活，解决了儿子学费，"
        "帮助叶先生康复后就业，家庭有了“造血”能力。",
        goals_reached="基本生活有保障；学费全免；叶先生在福利企业就业。",
        feedback="叶先生：感谢社工帮我们一家走出车祸的阴影。",
        evidence=("经济状况自评由2分升至8分；原单位援助到位，获交通事故赔偿30,000元。",
                  "育才中学免除全部学费，儿子已入读初中。",
                  "GSES由16分升至32分；叶先生在三洋电子公司稳定就业三个月。"),
    )  # fmt: skip
    return case  # its follow-up after closing is planned by the closing (casework.demo_followups)


# (b) The twins and the "亲青家园" group


def _twins(story: _Story) -> Case:
    born = story.ago(5 * 365 + 40)
    family = [("王先生", H.PARENT, "为养家早出晚归，陪伴孩子的时间很少"),
              ("李女士", H.PARENT, "产后抑郁跳楼致身心残疾，常年卧床，生活不能自理")]  # fmt: skip
    distress = _category("children_in_distress")
    twins = [
        story.client(name, gender, born, household=family, categories=[distress])
        for name, gender in (("王乐乐", Client.Gender.MALE), ("王安安", Client.Gender.FEMALE))
    ]
    case = story.open(
        twins, 200,
        "5岁双胞胎，母亲因产后抑郁跳楼致身心残疾、常年卧床；父亲忙于生计，很少陪伴。两个孩子性格内向，"
        "很少与人交谈，见到陌生人就躲到父亲身后。",
        supervisor=story.supervisor, source=Case.Source.OUTREACH, risk_level=RiskLevel.MEDIUM, category=distress,
    )  # fmt: skip
    story.note(case, 200, "入户走访，孩子躲在父亲身后，不愿交流。向父亲介绍“亲青家园”小组。", minutes=60)
    story.assess(
        case, 195, RiskLevel.MEDIUM,
        [(A.PSYCHOLOGICAL, "两个孩子胆小、内向，曾险些被母亲从医院楼上抛下，是胆怯的根源", "兄妹感情好", "medium"),
         (A.FAMILY, "母亲卧床，父亲陪伴时间少，照料不足", "父亲爱孩子，愿意配合", "medium"),
         (A.SOCIAL_SUPPORT, "缺少生活和学习上的照料", "社区有热心居民愿意结对帮扶", "low")],
    )  # fmt: skip
    story.plan(
        case,
        [("孩子性格逐渐开朗，愿意与人交流", "主动参加社区活动，在活动中与人交流",
          ("社交意愿评分（1–10分）", "rating", "higher", "2", 195)),
         ("父亲增加亲子陪伴", "父亲每月参加亲子活动"),
         ("链接爱心人士结对照料", "有爱心人士在生活和学习上结对照顾")],
        [("邀请双胞胎及父亲参加“亲青家园”小组活动", 185, 0), ("联系社区爱心人士结对", 180, 2)],
    )  # fmt: skip
    for days, content in [
        (150, "双胞胎随父亲参加参观港口博物馆活动，开始与其他孩子说话。"),
        (90, "家访：父亲反映孩子在家话多了，主动讲小组里的事。"),
        (40, "双胞胎在社区爱心义卖中担任小志愿者，父亲脸上常挂着笑容。"),
    ]:
        story.note(case, days, content)
    services.follow_up_schedule(
        actor=story.worker, case=case, due_on=story.today, purpose="了解双胞胎入园准备情况"
    )
    # Referrals with deadlines: one answered late and still without a result, one with no answer.
    story.refer(
        case, R.TargetKind.DEPARTMENT, "区残联康复中心", "为李女士申请上门康复服务", 40, answered=22,
        status=R.Status.IN_PROGRESS,
    )  # fmt: skip
    story.refer(case, R.TargetKind.ORGANIZATION, "街道幼儿园", "为双胞胎申请入园并减免保育费", 25)

    group = services.group_create(
        actor=story.worker, name="亲青家园", kind=Group.Kind.GROWTH, category=distress,
        aims="以小组为载体，增进社工、志愿者、困境儿童及其家长的联系；帮助家长了解自身角色、掌握孩子需要、"
        "改善家庭关系；改善困境儿童的学习和生活状况。",
        community=story.community, supervisor=story.supervisor, starts_on=story.ago(240),
    )  # fmt: skip
    story.made["groups"] += 1
    others = [
        story.client(name, gender, story.ago(years * 365), categories=[distress])
        for name, gender, years in (("赵子涵", Client.Gender.FEMALE, 9), ("孙浩然", Client.Gender.MALE, 11),
                                    ("周雨桐", Client.Gender.FEMALE, 8))
    ]  # fmt: skip
    members = [
        services.member_add(actor=story.worker, group=group, client=c, joined_on=story.ago(240))
        for c in others
    ]
    members += [
        services.member_add(actor=story.worker, group=group, client=c, joined_on=story.ago(190))
        for c in twins
    ]
    sessions = [
        (230, "快乐时光家庭聚会", "家长和孩子相互认识，建立小组规范。"),
        (180, "五云山庄亲子登山比赛", "亲子合作登山，增进亲子沟通。"),
        (150, "参观港口博物馆", "开阔视野，鼓励孩子在集体中表达。"),
        (100, "“童心乐园·放飞梦想”户外绘画比赛", "孩子用画笔表达梦想，家长陪伴完成作品。"),
        (50, "亲子沟通沙龙", "邀请心理咨询师讲授亲子沟通技巧。"),
    ]
    for days, theme, record in sessions:
        session = services.session_plan(
            actor=story.worker, group=group, planned_on=story.ago(days), theme=theme
        )
        present = [m.pk for m in members if m.joined_on <= story.ago(days)]
        services.session_record(actor=story.worker, session=session, held_on=story.ago(days), record=record,
                                present=present)  # fmt: skip
    services.session_plan(actor=story.worker, group=group, planned_on=story.today + timedelta(days=14),
                          theme="心愿达成活动", plan="帮助孩子实现一个小心愿。")  # fmt: skip

    volunteer = services.volunteer_save(
        actor=story.manager, name="刘阿姨", phone="13907170099", skills="照料儿童、辅导功课",
        registered_on=story.ago(185),
    )  # fmt: skip
    for twin in twins:
        services.pairing_start(
            actor=story.manager, volunteer=volunteer, client=twin, purpose="在生活和学习上照顾双胞胎",
            starts_on=story.ago(180),
        )  # fmt: skip
    bazaar = services.activity_save(
        actor=story.worker, theme="社区爱心义卖", held_on=story.ago(40), community=story.community,
        partners="社区居委会、爱心商户", participants=120, summary="义卖所得用于社区困境儿童助学。",
    )  # fmt: skip
    services.activity_save(
        actor=story.worker, theme="社区假日学校", held_on=story.ago(150), community=story.community,
        partners="社区居委会、心理学研究生志愿者", participants=45,
        summary="招募困境儿童参加假日学校，心理学研究生为自卑、情绪困扰的孩子提供辅导。",
    )  # fmt: skip
    story.made["activities"] += 2
    for days in (150, 90, 40):
        services.volunteer_hours_add(
            actor=story.manager, volunteer=volunteer, served_on=story.ago(days), hours=Decimal("3"),
            activity=bazaar if days == 40 else None, description="陪伴双胞胎学习和参加活动",
        )  # fmt: skip
    return case


# (c) Autism: the rehabilitation subsidy raised from 800 to 2,000 yuan a month


def _autism(story: _Story) -> None:
    autism = _category("autism")
    cases = []
    for name, gender, years, days in (
        ("张一诺", Client.Gender.MALE, 6, 420),
        ("林可心", Client.Gender.FEMALE, 9, 380),
    ):
        child = story.client(name, gender, story.ago(years * 365), categories=[autism, _category("disabled")])
        case = story.open(
            [child], days,
            "孤独症儿童，需要长期一对一康复训练，费用高；残联康复补贴每人每月仅800元，远远不够，家庭负担沉重。",
            supervisor=story.supervisor, source=Case.Source.WALK_IN, risk_level=RiskLevel.MEDIUM, category=autism,
        )  # fmt: skip
        story.note(case, days, "接案：了解孩子的康复训练安排和家庭开支。", method=M.OFFICE)
        story.assess(
            case, days - 5, RiskLevel.MEDIUM,
            [(A.HEALTH, "需终身康复教育，一对一训练", "在定点机构接受训练，有进步", "medium"),
             (A.ECONOMIC, "每月康复费用远高于800元补贴", "父母有工作", "high")],
        )  # fmt: skip
        story.plan(
            case, [("康复训练不中断", "每月按时参加康复训练"), ("减轻康复费用负担", "获得更高标准的康复补贴")],
            [("协助申请康复补贴", days - 20, 1)],
        )  # fmt: skip
        story.refer(
            case, R.TargetKind.DEPARTMENT, "区残疾人联合会（残联）", "申请孤独症儿童康复补贴", days - 20,
            outcome=R.Outcome.SUBSIDY, amount=Decimal("2000.00"), concluded=150, answered=days - 24,
            note="补贴标准提高后，按每月2,000元发放康复补贴。",
        )  # fmt: skip
        story.note(case, 150, "补贴标准提高到每月2,000元，家庭负担明显减轻。", method=M.PHONE, minutes=20)
        cases.append(case)
    record = services.advocacy_save(
        actor=story.supervisor, cases=cases, title="提高孤独症儿童康复补贴标准",
        problem="孤独症儿童康复需要老师一对一指导，费用高；残联的康复补贴每人每月仅800元，远远不够，许多家庭难以为继。",
        evidence_note="站点在服务的孤独症儿童个案中，康复费用普遍远超补贴标准。",
        proposal="将孤独症儿童康复补贴由每人每月800元提高到2,000元。", department="残联（残疾人联合会）",
    )  # fmt: skip
    services.advocacy_submit(actor=story.supervisor, record=record, submitted_on=story.ago(300))
    services.advocacy_record_response(
        actor=story.supervisor, record=record, responded_on=story.ago(160), status="adopted",
        response="经多方协调，残联同意提高孤独症儿童康复补贴标准。",
        outcome="孤独症儿童康复补贴由每人每月800元提高到2,000元。",
    )  # fmt: skip
    story.made["advocacy"] += 1


# Twenty more cases in every state


MORE = [  # (category, presenting problem, where the case stands, risk)
    (
        "left_behind_elderly",
        "留守老人，子女在外务工，行动不便，需要生活照料和精神慰藉",
        "intervention",
        "medium",
    ),
    ("left_behind_children", "父母外出务工，由祖父母照看，学习成绩下滑，沉迷手机", "assessment", "low"),
    ("disabled", "肢体残疾，家庭收入低，需要申请残疾人补贴并寻找辅助性就业", "planning", "medium"),
    ("low_income", "低保家庭，主要劳动力患重病，医疗支出大", "intervention", "high"),
    ("elderly_alone", "独居老人，近期在家中摔倒，需要居家安全评估和紧急呼叫设备", "intake", "high"),
    ("left_behind_women", "丈夫长期在外务工，独自照顾老人和孩子，情绪低落", "evaluation", "low"),
    ("community_correction", "社区矫正对象，就业和家庭关系需要支持", "intervention", "medium"),
    ("drug_rehabilitation", "社区康复人员，需要巩固戒断成果、重建社会支持", "intervention", "high"),
    ("children_in_distress", "父亲服刑、母亲离家，由年迈的奶奶监护，存在监护缺失风险", "unassigned", "high"),
    ("elderly_alone", "独居高龄老人，子女不在身边，希望有人定期探访", "closed", "low"),
    ("left_behind_children", "留守儿童，与爷爷奶奶同住，缺少学习辅导", "intervention", "low"),
    ("low_income", "单亲母亲，收入不稳定，孩子上学开支大", "planning", "medium"),
    ("disabled", "听力残疾青年，求职屡次受挫", "intake", "low"),
    ("left_behind_elderly", "老两口均患慢性病，子女在外，用药管理困难", "intervention", "medium"),
    ("children_in_distress", "父母双亡，由叔叔代为监护，需要落实基本生活保障", "unassigned", "high"),
    ("low_income", "支出型贫困家庭，子女大学学费难以筹措", "closed", "medium"),
    ("left_behind_women", "留守妇女，希望学习手工技能增加收入", "assessment", "low"),
    ("elderly_alone", "独居老人，近一个月拒绝开门，邻居担心其安全", "intake", "medium"),
    ("community_correction", "社区矫正对象，与家人关系紧张", "evaluation", "medium"),
    ("disabled", "精神残疾人，需要规律服药和社区康复", "intervention", "high"),
    ("elderly_alone", "空巢老人，老伴去世后情绪低落，很少出门", "closed", "low"),
    ("left_behind_children", "留守儿童，父母离异后情绪不稳，与同学发生冲突", "closed", "medium"),
    ("low_income", "低保边缘家庭，因病致贫，需要链接医疗救助", "closed", "medium"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = "建国秀英志强桂兰玉华国庆春梅德明淑珍文杰海燕红霞永康丽娟金凤"


def _born_for(code: str, n: int, today: date) -> date:
    """A birth date that fits the category (casework.categories.AGES): a left-behind child is a
    child, someone living alone in old age is old; adults of working age otherwise."""
    low, high = AGES.get(code, (20, 70))
    high = low + 30 if high is None else high
    age = low + (n * 7) % (high - low + 1)
    return today - timedelta(days=365 * age + 183 + n % 150)  # `age` on `today`, whatever the day


def _more_cases(story: _Story) -> None:
    communities = list(
        Region.objects.filter(
            path__startswith=story.community.town_path, level__in=Region.COMMUNITY_LEVELS
        ).order_by("path")[:6]
    )
    for n, (code, problem, where, risk) in enumerate(MORE):
        unassigned = where == "unassigned"
        actor = story.manager if unassigned else story.worker
        name = SURNAMES[n % len(SURNAMES)] + GIVEN[(2 * n) % len(GIVEN)] + GIVEN[(2 * n + 1) % len(GIVEN)]
        born = _born_for(code, n, story.today)
        female = code in GENDERS or n % 2
        category = _category(code)
        story.made["clients"] += 1
        client = services.client_register(
            actor=actor, name=name, gender=Client.Gender.FEMALE if female else Client.Gender.MALE,
            birth_date=born, phone=f"1390717{n:04d}", community=communities[n % len(communities)],
            consents_to_services=True, consents_to_data_processing=True, categories=[category] if category else [],
        )  # fmt: skip
        intake = 15 + (n * 11) % 150
        case = story.open(
            [client], intake, problem, actor=actor, supervisor=None if unassigned else story.supervisor,
            source=list(Case.Source.values)[n % 4], risk_level=risk, category=category,
        )  # fmt: skip
        story.note(case, intake, "接案面谈，了解基本情况和需求。", method=M.OFFICE, minutes=45, actor=actor)
        if where in ("intake", "unassigned"):
            continue
        story.assess(case, intake - 3, risk, [(A.FAMILY, problem, "本人有改变意愿", risk)])
        if where == "assessment":
            continue
        story.plan(case, [("缓解当前困难", "困难得到缓解"), ("增强社会支持", "建立稳定的支持网络")],
                   [("链接社区资源", max(intake - 10, 1), 0)], approve=where != "planning")  # fmt: skip
        if where == "planning":
            continue
        # Some cases go quiet for a while: the quiet-case reminder has something to say.
        last = 45 if n % 3 == 0 and intake > 50 else max(intake - 12, 2)
        story.note(case, last, "家访跟进，服务对象状况稳定，继续落实服务计划。")
        if n % 4 == 0:
            services.follow_up_schedule(
                actor=story.worker, case=case, due_on=story.ago(n % 3), purpose="电话回访服务计划落实情况"
            )
        if where in ("evaluation", "closed"):
            services.case_move(actor=story.worker, case=case, move="evaluate")
        if where == "closed":
            story.close(
                case, "服务目标达成，服务对象生活恢复稳定。", feedback="满意社工的服务。", satisfaction=4
            )
