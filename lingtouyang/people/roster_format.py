"""The roster spreadsheet: the columns of the template, the import and the export (SPEC 2.1).
The headers are the format's own Chinese names, the same whatever the user's language."""

NAME = "姓名"
GENDER = "性别"
ETHNICITY = "民族"
ID_NUMBER = "公民身份号码"
BIRTH_DATE = "出生日期"
POLITICAL_STATUS = "政治面貌"
EDUCATION = "学历"
REGION_CODE = "所在村(社区)代码"
POSTS = "职务"
START_DATE = "任职时间"
PHONE = "联系电话"
SOURCE = "人员来源"

HEADERS = [NAME, GENDER, ETHNICITY, ID_NUMBER, BIRTH_DATE, POLITICAL_STATUS, EDUCATION, REGION_CODE, POSTS,
           START_DATE, PHONE, SOURCE]
REQUIRED = {NAME, ETHNICITY, ID_NUMBER, REGION_CODE, POLITICAL_STATUS, EDUCATION}
# Header spellings seen in real files, mapped to ours (full-width brackets, no brackets).
ALIASES = {
    "所在村（社区）代码": REGION_CODE,
    "所在村社区代码": REGION_CODE,
    "村(社区)代码": REGION_CODE,
    "身份证号": ID_NUMBER,
    "身份证号码": ID_NUMBER,
    "公民身份证号码": ID_NUMBER,
    "手机号码": PHONE,
    "联系方式": PHONE,
    "文化程度": EDUCATION,
    "现任职务": POSTS,
}
# Separators between several posts held at once, e.g. "党组织书记、村委会主任" (一肩挑).
POST_SEPARATORS = "、,，;；/ 兼"
