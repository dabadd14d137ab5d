"""The default departments and eligibility rules (version 1), worded after public county texts on
任职资格联审 ("八不宜" and the like). Data, not UI strings: a city publishes its own versions."""

DEPARTMENTS = [
    ("discipline", "纪委监委"), ("organisation", "组织部"), ("political_legal", "政法委"), ("police", "公安"),
    ("procuratorate", "检察院"), ("court", "法院"), ("justice", "司法"), ("civil_affairs", "民政"),
    ("petitions", "信访"), ("united_front", "统战"), ("health", "卫健"), ("agriculture", "农业农村"),
]

# (code, severity, attesting department code or None, automatic check, parameter, applies to, text)
RULES = [
    ("B01", "cannot", "court", "", None, "all",
     "受过刑事处罚，或刑满释放、缓刑期满未满5年的"),
    ("B02", "not_suitable", "discipline", "", None, "all",
     "因涉嫌违纪违法正在接受纪检监察机关审查调查，尚未作出结论的"),
    ("B03", "cannot", "political_legal", "", None, "all",
     "涉黑涉恶，或有“村霸”行为，欺压群众、横行乡里的"),
    ("B04", "cannot", "united_front", "", None, "all",
     "参加邪教组织，或组织、参与非法宗教活动的"),
    ("B05", "not_suitable", "agriculture", "", None, "all",
     "严重拖欠村集体资金，或侵占村集体资产、资源，拒不退还的"),
    ("B06", "not_suitable", "petitions", "", None, "all",
     "近5年内煽动、组织群众非正常上访，扰乱社会秩序的"),
    ("B07", "not_suitable", "civil_affairs", "", None, "all",
     "长期外出不归，不能正常履行职责的"),
    ("B08", "not_suitable", "health", "", None, "all",
     "违反计划生育政策尚未处理到位的"),
    ("B09", "not_suitable", "agriculture", "", None, "all",
     "违法违规占用土地等问题尚未整改到位的"),
    ("B10", "cannot", "organisation", "", None, "all",
     "贿选或以威胁、欺骗等不正当手段干扰破坏选举的"),
    ("B11", "not_suitable", "police", "", None, "all",
     "近5年内因卖淫嫖娼、吸毒、赌博、寻衅滋事等受过行政拘留的"),
    ("B12", "not_suitable", "procuratorate", "", None, "all",
     "涉嫌犯罪正在被立案侦查、审查起诉的"),
    ("B13", "not_suitable", "justice", "", None, "all",
     "正在接受社区矫正的"),
    ("A01", "not_suitable", None, "max_age", 60, "principal",
     "村党组织书记、村（居）委会主任人选换届时年龄超过60周岁的"),
    ("A02", "not_suitable", None, "max_age", 65, "member",
     "其他“两委”成员人选换届时年龄超过65周岁的"),
]
