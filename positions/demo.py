"""The demo district, shaped like seed 000 (Yiling): its towns and streets, communities and
villages, the five-level network with 16 service stations, 5 model rooms and 1,417 community
service posts. Idempotent: what exists (by code) is left as it is."""

from datetime import date
from itertools import cycle

from .models import Region, ServiceUnit, tree_insert

DISTRICT = ("夷陵区", "420506")
# The demo city (issue 23): Yiling and a second, smaller district under one city, run on one
# installation; the city's totals are seed 001's.
PROVINCE = ("湖北省", "420000")
CITY = ("宜昌市", "420500")
SECOND_DISTRICT = ("点军区", "420504")
# (name, division code, level, communities and villages): each town has a station, each community
# or village a room with one post.
SECOND_TOWNS = [
    ("点军街道", "420504001", Region.Level.STREET, 5),
    ("桥边镇", "420504100", Region.Level.TOWN, 4),
    ("艾家镇", "420504101", Region.Level.TOWN, 4),
    ("土城乡", "420504200", Region.Level.TOWN, 3),
]

# (name, division code, level, number of communities and villages)
TOWNS = [
    ("小溪塔街道", "420506001", Region.Level.STREET, 18),
    ("樟村坪镇", "420506100", Region.Level.TOWN, 14),
    ("雾渡河镇", "420506101", Region.Level.TOWN, 16),
    ("分乡镇", "420506102", Region.Level.TOWN, 18),
    ("太平溪镇", "420506103", Region.Level.TOWN, 16),
    ("三斗坪镇", "420506104", Region.Level.TOWN, 18),
    ("乐天溪镇", "420506105", Region.Level.TOWN, 16),
    ("龙泉镇", "420506106", Region.Level.TOWN, 20),
    ("鸦鹊岭镇", "420506107", Region.Level.TOWN, 18),
    ("黄花镇", "420506108", Region.Level.TOWN, 16),
    ("下堡坪乡", "420506200", Region.Level.TOWN, 12),
    ("邓村乡", "420506201", Region.Level.TOWN, 12),
]
# A remote township the network has not reached yet: the coverage page names it.
TOWN_WITHOUT_STATION = "420506201"
# Villages whose service room is still being set up.
VILLAGES_WITHOUT_ROOM = {"420506100014", "420506101016", "420506200012"}

DEPARTMENT_STATIONS = [
    ("区民政局社会工作服务站", "区民政局"),
    ("区社会福利院社会工作服务站", "区社会福利院"),
    ("区残疾人联合会社会工作服务站", "区残疾人联合会"),
    ("区妇女联合会社会工作服务站", "区妇女联合会"),
    ("区司法局社会工作服务站", "区司法局"),
]

# Named in seed 000: Xing'an community's child care centre; Sandouping and Longquan studios.
NAMED_COMMUNITIES = {"420506001001": "兴安社区", "420506104001": "三斗坪社区", "420506106001": "龙泉社区"}
MODEL_ROOMS = {"420506001001", "420506104001", "420506106001", "420506107003", "420506102005"}

POST_KINDS = [
    "儿童关爱岗",
    "老年服务岗",
    "残疾康复岗",
    "家庭服务岗",
    "心理疏导岗",
    "社区矫正岗",
    "禁毒服务岗",
    "综合服务岗",
]
COMMUNITY_POSTS = 1417

_FIRST = "青龙石桥柳杨松柏桃李东新长高黄红白金河溪山林竹梅兰安和平福寿"
_SECOND = "坪岭湾溪河口冲坡岩垭桥园林湖庄店"


def _village_name(town_index: int, index: int) -> str:
    first = _FIRST[(town_index * 7 + index * 3) % len(_FIRST)]
    second = _SECOND[(town_index + index * 5) % len(_SECOND)]
    return f"{first}{second}村"


def seed_network(*, actor=None) -> dict[str, int]:
    """Build the demo district; returns how many regions and units were created this time."""
    created = {"regions": 0, "units": 0}

    def region(parent, name, code, level):
        existing = Region.objects.filter(code=code).first()
        if existing:
            return existing
        created["regions"] += 1
        node = Region(name=name, code=code, level=level)
        return tree_insert(node, parent)

    def unit(parent, **fields):
        existing = ServiceUnit.objects.filter(code=fields["code"]).first()
        if existing:
            return existing
        created["units"] += 1
        node = ServiceUnit(**fields)
        return tree_insert(node, parent)

    province = region(None, *PROVINCE, Region.Level.PROVINCE)
    city = region(province, *CITY, Region.Level.CITY)
    district = region(city, *DISTRICT, Region.Level.DISTRICT)
    if not district.path.startswith(city.path):  # a district demo from before the city: moved under it
        Region.objects.move(district, city, "last-child")
        district.refresh_from_db()
    city_centre(city, unit)
    second_district(city, region, unit)
    association = unit(
        None,
        name="夷陵区社会工作者协会",
        code="AS-01",
        level=ServiceUnit.Level.ASSOCIATION,
        region=district,
        host="区民政局",
        established_on=date(2013, 6, 1),
    )
    unit(
        None,
        name="夷陵区志愿者协会",
        code="AS-02",
        level=ServiceUnit.Level.ASSOCIATION,
        region=district,
        host="区民政局",
        established_on=date(2013, 9, 1),
    )
    centre = unit(
        association,
        name="夷陵区社会工作服务中心",
        code="CT-01",
        level=ServiceUnit.Level.CENTRE,
        region=district,
        host="区民政局",
        address="夷陵区小溪塔街道发展大道",
        established_on=date(2013, 12, 1),
    )
    for number, (name, host) in enumerate(DEPARTMENT_STATIONS, start=1):
        unit(
            centre,
            name=name,
            code=f"ST-D{number:02d}",
            level=ServiceUnit.Level.STATION,
            region=district,
            host=host,
            established_on=date(2014, 3, number),
        )

    posts_left = COMMUNITY_POSTS
    rooms_planned = (
        sum(count for *_rest, count in TOWNS)
        - len(VILLAGES_WITHOUT_ROOM)
        - next(count for _n, code, _l, count in TOWNS if code == TOWN_WITHOUT_STATION)
    )
    kinds = cycle(POST_KINDS)
    for town_index, (town_name, town_code, level, count) in enumerate(TOWNS):
        town = region(district, town_name, town_code, level)
        station = None
        if town_code != TOWN_WITHOUT_STATION:
            station = unit(
                centre,
                name=f"{town_name}社会工作服务站",
                code=f"ST-{town_code}",
                level=ServiceUnit.Level.STATION,
                region=town,
                host=f"{town_name}人民政府",
                established_on=date(2014, 4 + town_index % 6, 1),
            )
        for index in range(1, count + 1):
            code = f"{town_code}{index:03d}"
            is_seat = index == 1 or level == Region.Level.STREET
            name = NAMED_COMMUNITIES.get(code) or (
                f"{town_name[:-1]}社区" if index == 1 else _village_name(town_index, index)
            )
            if level == Region.Level.STREET and code not in NAMED_COMMUNITIES:
                name = name.replace("村", "社区")
            community = region(town, name, code, Region.Level.COMMUNITY if is_seat else Region.Level.VILLAGE)
            if station is None or code in VILLAGES_WITHOUT_ROOM:
                continue
            room = unit(
                station,
                name=f"{name}社会工作服务室",
                code=f"RM-{code}",
                level=ServiceUnit.Level.ROOM,
                region=community,
                host=f"{name}居（村）民委员会",
                is_model=code in MODEL_ROOMS,
                established_on=date(2015, 1 + index % 12, 1),
            )
            posts_here = -(-posts_left // rooms_planned)  # spread what is left evenly
            rooms_planned -= 1
            for post_index in range(1, posts_here + 1):
                unit(
                    room,
                    name=f"{name}{next(kinds)}",
                    code=f"PT-{code}-{post_index:02d}",
                    level=ServiceUnit.Level.POST,
                    region=community,
                    established_on=date(2015, 1 + index % 12, 1),
                )
            posts_left -= posts_here
    return created


def city_centre(city: Region, unit) -> ServiceUnit:
    """The city's own units: its social workers' association and the service guidance centre where
    the city's administrators sit."""
    association = unit(
        None,
        name="宜昌市社会工作协会",
        code="AS-420500",
        level=ServiceUnit.Level.ASSOCIATION,
        region=city,
        host="市民政局",
        established_on=date(2012, 11, 1),
    )
    return unit(
        association,
        name="宜昌市社会工作服务指导中心",
        code="CT-420500",
        level=ServiceUnit.Level.CENTRE,
        region=city,
        host="市民政局",
        address="宜昌市西陵区沿江大道",
        established_on=date(2013, 5, 1),
    )


def second_district(city: Region, region, unit) -> Region:
    """点军区: a smaller district beside Yiling, with a station in each town and a room and a post
    in each community or village."""
    district = region(city, *SECOND_DISTRICT, Region.Level.DISTRICT)
    association = unit(
        None,
        name="点军区社会工作者协会",
        code="AS-420504",
        level=ServiceUnit.Level.ASSOCIATION,
        region=district,
        host="区民政局",
        established_on=date(2014, 3, 1),
    )
    centre = unit(
        association,
        name="点军区社会工作服务中心",
        code="CT-420504",
        level=ServiceUnit.Level.CENTRE,
        region=district,
        host="区民政局",
        address="点军区点军大道",
        established_on=date(2014, 6, 1),
    )
    for town_index, (town_name, town_code, level, count) in enumerate(SECOND_TOWNS):
        town = region(district, town_name, town_code, level)
        station = unit(
            centre,
            name=f"{town_name}社会工作服务站",
            code=f"ST-{town_code}",
            level=ServiceUnit.Level.STATION,
            region=town,
            host=f"{town_name}人民政府",
            established_on=date(2014, 9 + town_index, 1),
        )
        for index in range(1, count + 1):
            code = f"{town_code}{index:03d}"
            is_seat = index == 1 or level == Region.Level.STREET
            seat = town_name.removesuffix("街道").removesuffix("镇").removesuffix("乡")
            name = f"{seat}社区" if index == 1 else _village_name(town_index + 20, index)
            if level == Region.Level.STREET:
                name = name.replace("村", "社区")
            community = region(town, name, code, Region.Level.COMMUNITY if is_seat else Region.Level.VILLAGE)
            room = unit(
                station,
                name=f"{name}社会工作服务室",
                code=f"RM-{code}",
                level=ServiceUnit.Level.ROOM,
                region=community,
                host=f"{name}居（村）民委员会",
                established_on=date(2015, 1 + index, 1),
            )
            unit(
                room,
                name=f"{name}{POST_KINDS[index % len(POST_KINDS)]}",
                code=f"PT-{code}-01",
                level=ServiceUnit.Level.POST,
                region=community,
                established_on=date(2015, 1 + index, 1),
            )
    return district
