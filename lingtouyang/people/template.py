"""The downloadable roster template: the headers, drop-downs for coded columns, and a sheet of
accepted values with an example row (outside the data sheet, so it is never imported)."""

from pathlib import Path

import xlsxwriter

from lingtouyang.people import roster_format as fmt
from lingtouyang.people.codes import (
    EDUCATION_CHOICES,
    ETHNICITY_CHOICES,
    POLITICAL_STATUS_CHOICES,
    POST_LABEL_ZH,
    SOURCE_LABEL_ZH,
)

LISTS = {
    fmt.GENDER: ["男", "女"],
    fmt.ETHNICITY: [name for _, name in ETHNICITY_CHOICES],
    fmt.POLITICAL_STATUS: [name for _, name in POLITICAL_STATUS_CHOICES],
    fmt.EDUCATION: [name for _, name in EDUCATION_CHOICES],
    fmt.POSTS: list(POST_LABEL_ZH.values()),
    fmt.SOURCE: list(SOURCE_LABEL_ZH.values()),
}
EXAMPLE = ["张三", "男", "汉族", "510502198503011235", "1985-03-01", "中共党员", "大学专科", "510502001001",
           "党组织书记、居委会主任", "2021-03-15", "13800000000", "优秀农民工"]
NOTES = [
    "填写说明",
    "1. 每行一人；第一行为表头，请勿修改、合并或删除表头。",
    "2. 公民身份号码为18位，最后一位可为X；出生日期、性别须与身份号码一致。",
    "3. 所在村(社区)代码为12位统计用区划代码。",
    "4. 一人兼任多个职务时用顿号分隔，如“党组织书记、村委会主任”（一肩挑）。",
    "5. 日期可写作 1985-03-01、1985.3、1985年3月。",
    "6. 请勿使用公式和合并单元格；有任何一处错误时整个文件都不会导入，并列出全部错误。",
]


def write_template(path: Path | str) -> None:
    book = xlsxwriter.Workbook(str(path))
    head = book.add_format({"bold": True, "bg_color": "#FDE8E7", "border": 1})
    textf = book.add_format({"num_format": "@"})
    data = book.add_worksheet("花名册")
    lists = book.add_worksheet("可选值")
    data.write_row(0, 0, fmt.HEADERS, head)
    data.set_column(0, len(fmt.HEADERS) - 1, 14, textf)
    data.set_column(fmt.HEADERS.index(fmt.ID_NUMBER), fmt.HEADERS.index(fmt.ID_NUMBER), 22, textf)
    data.set_column(fmt.HEADERS.index(fmt.POSTS), fmt.HEADERS.index(fmt.POSTS), 26, textf)
    data.freeze_panes(1, 0)
    for col, (header, values) in enumerate(LISTS.items()):
        lists.write(0, col, header, head)
        lists.write_column(1, col, values)
        if header == fmt.POSTS:
            continue  # a cell may hold several posts, so no single-choice drop-down
        target = fmt.HEADERS.index(header)
        letter = xlsxwriter.utility.xl_col_to_name(col)
        data.data_validation(1, target, 5000, target, {
            "validate": "list", "source": f"='可选值'!${letter}$2:${letter}${len(values) + 1}",
            "error_type": "warning",
        })
    row = max(len(v) for v in LISTS.values()) + 3
    for i, line in enumerate(NOTES):
        lists.write(row + i, 0, line)
    lists.write_row(row + len(NOTES) + 1, 0, fmt.HEADERS, head)
    lists.write_row(row + len(NOTES) + 2, 0, EXAMPLE)
    book.close()
