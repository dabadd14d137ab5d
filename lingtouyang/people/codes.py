"""Standard code lists. Names are the standards' own Chinese names (data, not UI text); the
choices show them as published. GB/T 3304 (ethnic groups), GB/T 4762 (political status),
GB/T 4658 (education, grouped into ordered levels), GB/T 2261.1 (sex)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

ETHNIC_GROUPS = [
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
    "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
    "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族",
    "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族",
    "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族",
    "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
]  # fmt: skip
ETHNICITY_CHOICES = [(f"{i:02d}", name) for i, name in enumerate(ETHNIC_GROUPS, start=1)]

POLITICAL_STATUS_CHOICES = [
    ("01", "中共党员"),
    ("02", "中共预备党员"),
    ("03", "共青团员"),
    ("04", "民革党员"),
    ("05", "民盟盟员"),
    ("06", "民建会员"),
    ("07", "民进会员"),
    ("08", "农工党党员"),
    ("09", "致公党党员"),
    ("10", "九三学社社员"),
    ("11", "台盟盟员"),
    ("12", "无党派人士"),
    ("13", "群众"),
]
PARTY_MEMBER_CODES = ("01", "02")

# Ordered from highest: the code's order is the level's order (lower code, more schooling).
EDUCATION_CHOICES = [
    ("10", "研究生"),
    ("20", "大学本科"),
    ("30", "大学专科"),
    ("40", "中专/中技"),
    ("60", "高中"),
    ("70", "初中"),
    ("80", "小学及以下"),
]
COLLEGE_AND_ABOVE = ("10", "20", "30")


class Gender(models.TextChoices):
    MALE = "1", _("male")
    FEMALE = "2", _("female")


class Source(models.TextChoices):
    MIGRANT_WORKER = "migrant_worker", _("returned migrant worker")
    VETERAN = "veteran", _("veteran")
    WEALTH_CREATOR = "wealth_creator", _("wealth creator")
    GRADUATE = "graduate", _("graduate")
    ENTREPRENEUR = "entrepreneur", _("returned entrepreneur")
    OTHER = "other", _("other")


class Post(models.TextChoices):
    PARTY_SECRETARY = "party_secretary", _("party organisation secretary")
    PARTY_DEPUTY = "party_deputy", _("party organisation deputy secretary")
    FULLTIME_DEPUTY = "fulltime_deputy", _("full-time deputy secretary")
    PARTY_MEMBER = "party_member", _("party organisation committee member")
    VILLAGE_DIRECTOR = "village_director", _("villagers' committee director")
    VILLAGE_DEPUTY = "village_deputy", _("villagers' committee deputy director")
    VILLAGE_MEMBER = "village_member", _("villagers' committee member")
    COMMUNITY_DIRECTOR = "community_director", _("residents' committee director")
    COMMUNITY_DEPUTY = "community_deputy", _("residents' committee deputy director")
    COMMUNITY_MEMBER = "community_member", _("residents' committee member")
    SUPERVISION_CHAIR = "supervision_chair", _("supervision committee chair")
    SUPERVISION_MEMBER = "supervision_member", _("supervision committee member")


VILLAGE_ONLY_POSTS = frozenset({Post.VILLAGE_DIRECTOR, Post.VILLAGE_DEPUTY, Post.VILLAGE_MEMBER})
COMMUNITY_ONLY_POSTS = frozenset({Post.COMMUNITY_DIRECTOR, Post.COMMUNITY_DEPUTY, Post.COMMUNITY_MEMBER})
DIRECTOR_POSTS = frozenset({Post.VILLAGE_DIRECTOR, Post.COMMUNITY_DIRECTOR})
# A village has at most one holder of each of these at a time.
SINGLE_HOLDER_POSTS = frozenset({Post.PARTY_SECRETARY, Post.SUPERVISION_CHAIR}) | DIRECTOR_POSTS

# The names an Excel file uses for each post (Chinese as written on real rosters).
POST_NAMES: dict[str, str] = {
    "党组织书记": Post.PARTY_SECRETARY,
    "党支部书记": Post.PARTY_SECRETARY,
    "党总支书记": Post.PARTY_SECRETARY,
    "党委书记": Post.PARTY_SECRETARY,
    "书记": Post.PARTY_SECRETARY,
    "党组织副书记": Post.PARTY_DEPUTY,
    "副书记": Post.PARTY_DEPUTY,
    "专职副书记": Post.FULLTIME_DEPUTY,
    "党组织委员": Post.PARTY_MEMBER,
    "支部委员": Post.PARTY_MEMBER,
    "村委会主任": Post.VILLAGE_DIRECTOR,
    "村民委员会主任": Post.VILLAGE_DIRECTOR,
    "村委会副主任": Post.VILLAGE_DEPUTY,
    "村民委员会副主任": Post.VILLAGE_DEPUTY,
    "村委会委员": Post.VILLAGE_MEMBER,
    "村民委员会委员": Post.VILLAGE_MEMBER,
    "居委会主任": Post.COMMUNITY_DIRECTOR,
    "居民委员会主任": Post.COMMUNITY_DIRECTOR,
    "居委会副主任": Post.COMMUNITY_DEPUTY,
    "居民委员会副主任": Post.COMMUNITY_DEPUTY,
    "居委会委员": Post.COMMUNITY_MEMBER,
    "居民委员会委员": Post.COMMUNITY_MEMBER,
    "监委会主任": Post.SUPERVISION_CHAIR,
    "村务监督委员会主任": Post.SUPERVISION_CHAIR,
    "居务监督委员会主任": Post.SUPERVISION_CHAIR,
    "监委会委员": Post.SUPERVISION_MEMBER,
    "村务监督委员会委员": Post.SUPERVISION_MEMBER,
    "居务监督委员会委员": Post.SUPERVISION_MEMBER,
}
# The name the template and exports write for each post.
POST_LABEL_ZH: dict[str, str] = {
    Post.PARTY_SECRETARY: "党组织书记",
    Post.PARTY_DEPUTY: "党组织副书记",
    Post.FULLTIME_DEPUTY: "专职副书记",
    Post.PARTY_MEMBER: "党组织委员",
    Post.VILLAGE_DIRECTOR: "村委会主任",
    Post.VILLAGE_DEPUTY: "村委会副主任",
    Post.VILLAGE_MEMBER: "村委会委员",
    Post.COMMUNITY_DIRECTOR: "居委会主任",
    Post.COMMUNITY_DEPUTY: "居委会副主任",
    Post.COMMUNITY_MEMBER: "居委会委员",
    Post.SUPERVISION_CHAIR: "监委会主任",
    Post.SUPERVISION_MEMBER: "监委会委员",
}
SOURCE_NAMES: dict[str, str] = {
    "优秀农民工": Source.MIGRANT_WORKER,
    "农民工": Source.MIGRANT_WORKER,
    "返乡农民工": Source.MIGRANT_WORKER,
    "退役军人": Source.VETERAN,
    "致富能手": Source.WEALTH_CREATOR,
    "大学生": Source.GRADUATE,
    "高校毕业生": Source.GRADUATE,
    "返乡创业": Source.ENTREPRENEUR,
    "返乡创业人员": Source.ENTREPRENEUR,
    "其他": Source.OTHER,
}
SOURCE_LABEL_ZH: dict[str, str] = {
    Source.MIGRANT_WORKER: "优秀农民工",
    Source.VETERAN: "退役军人",
    Source.WEALTH_CREATOR: "致富能手",
    Source.GRADUATE: "大学生",
    Source.ENTREPRENEUR: "返乡创业",
    Source.OTHER: "其他",
}
GENDER_NAMES = {"男": Gender.MALE, "女": Gender.FEMALE}
GENDER_LABEL_ZH = {code: name for name, code in GENDER_NAMES.items()}

# Spellings seen in real rosters for political status and education, beside the standard names.
POLITICAL_STATUS_NAMES: dict[str, str] = {
    **{name: code for code, name in POLITICAL_STATUS_CHOICES},
    "中国共产党党员": "01", "党员": "01", "共产党员": "01", "预备党员": "02", "中国共产党预备党员": "02",
    "团员": "03", "中国共产主义青年团团员": "03", "无党派": "12", "无党派民主人士": "12",
}  # fmt: skip
EDUCATION_NAMES: dict[str, str] = {
    **{name: code for code, name in EDUCATION_CHOICES},
    "博士": "10", "硕士": "10", "博士研究生": "10", "硕士研究生": "10", "本科": "20", "大学": "20",
    "专科": "30", "大专": "30", "中专": "40", "中技": "40", "职高": "40", "中职": "40", "技校": "40",
    "普通高中": "60", "高中": "60", "初中": "70", "小学": "80", "文盲": "80", "半文盲": "80",
}  # fmt: skip
ETHNICITY_NAMES: dict[str, str] = {
    **{name: code for code, name in ETHNICITY_CHOICES},
    **{name[:-1]: code for code, name in ETHNICITY_CHOICES},  # 汉 for 汉族
}
