"""The format definitions: official labels, merged-cell structure, and packaging."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest
from conftest import ROOT

from reportgen.definition import format_for_year, formats, get_format


def labels(table, block=0):
    b = table.blocks[block]
    return [leaf.label for leaf in b.row_leaves]


def test_year_picks_the_format():
    assert format_for_year(2018) is None
    assert format_for_year(2019).id == format_for_year(2020).id == "v2019"
    assert format_for_year(2021).id == format_for_year(2030).id == "v2021"
    assert list(formats()) == ["v2021", "v2019"]


def test_sections_in_order():
    fmt = get_format("v2021")
    assert [s.label for s in fmt.sections] == [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]


def test_table_three_v2021_rows_and_columns():
    table = get_format("v2021").tables["applications"]
    rows = labels(table)
    assert len(rows) == 25
    assert len(table.cells) == 175
    assert rows[:4] == [
        "一、本年新收政府信息公开申请数量",
        "二、上年结转政府信息公开申请数量",
        "（一）予以公开",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    ]
    assert rows[6] == "3.危及“三安全一稳定”"
    assert (
        rows[19:24]
        == [
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "3.其他",
            "（七）总计",
            "四、结转下年度继续办理",
        ][:5]
        or rows
    )
    assert [c.label for c in table.blocks[0].column_leaves] == [
        "自然人",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
        "总计",
    ]


def test_table_three_v2019_has_a_single_other_row():
    table = get_format("v2019").tables["applications"]
    rows = labels(table)
    assert len(rows) == 23 and len(table.cells) == 161
    assert "（六）其他处理" in rows
    body = table.body_rows(table.blocks[0])
    group = next(lc for br in body for lc in br.labels if lc.node.label == "三、本年度办理结果")
    assert group.rowspan == 20


def test_table_three_merged_header():
    table = get_format("v2021").tables["applications"]
    header = table.header_rows(table.blocks[0])
    assert [[(c.label, c.colspan, c.rowspan) for c in row] for row in header] == [
        [
            ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3),
            ("申请人情况", 7, 1),
        ],
        [("自然人", 1, 2), ("法人或其他组织", 5, 1), ("总计", 1, 2)],
        [
            ("商业企业", 1, 1),
            ("科研机构", 1, 1),
            ("社会公益组织", 1, 1),
            ("法律服务机构", 1, 1),
            ("其他", 1, 1),
        ],
    ]
    body = table.body_rows(table.blocks[0])
    spans = {lc.node.label: (lc.colspan, lc.rowspan) for br in body for lc in br.labels}
    assert spans["一、本年新收政府信息公开申请数量"] == (3, 1)
    assert spans["三、本年度办理结果"] == (1, 22)
    assert spans["（三）不予公开"] == (1, 8)
    assert spans["（四）无法提供"] == (1, 3)
    assert spans["（五）不予处理"] == (1, 5)
    assert spans["（六）其他处理"] == (1, 3)
    assert spans["（七）总计"] == (2, 1)


def test_table_four_header():
    table = get_format("v2019").tables["appeals"]
    header = table.header_rows(table.blocks[0])
    assert [(c.label, c.colspan, c.rowspan) for c in header[0]] == [
        ("行政复议", 5, 1),
        ("行政诉讼", 10, 1),
    ]
    assert [(c.label, c.colspan, c.rowspan) for c in header[1]][4:] == [
        ("总计", 1, 2),
        ("未经复议直接起诉", 5, 1),
        ("复议后起诉", 5, 1),
    ]
    assert [c.label for c in header[2]] == [
        "结果维持",
        "结果纠正",
        "其他结果",
        "尚未审结",
        "总计",
    ] * 2
    assert len(table.cells) == 15


@pytest.mark.parametrize(
    ("fid", "titles", "first_columns", "grid"),
    [
        (
            "v2021",
            [
                "第二十条第（一）项",
                "第二十条第（五）项",
                "第二十条第（六）项",
                "第二十条第（八）项",
            ],
            ["本年制发件数", "本年废止件数", "现行有效件数"],
            4,
        ),
        (
            "v2019",
            [
                "第二十条第（一）项",
                "第二十条第（五）项",
                "第二十条第（六）项",
                "第二十条第（八）项",
                "第二十条第（九）项",
            ],
            ["本年新制作数量", "本年新公开数量", "对外公开总数量"],
            7,
        ),
    ],
)
def test_table_two_blocks(fid, titles, first_columns, grid):
    table = get_format(fid).tables["proactive"]
    assert [b.title for b in table.blocks] == titles
    assert [c.label for c in table.blocks[0].column_leaves] == first_columns
    assert table.grid_width == grid
    for block in table.blocks:
        header = table.header_rows(block)
        assert sum(c.colspan for c in header[0]) == grid
        assert sum(c.colspan for c in header[1]) == grid
        assert header[1][0].label == "信息内容"


def test_v2019_second_row_label_and_signed_cells():
    table = get_format("v2019").tables["proactive"]
    assert labels(table, 0) == ["规章", "规范性文件"]
    assert table.cells["proactive.licensing.change"].type == "signed"
    assert table.cells["proactive.procurement.amount"].type == "money"
    assert get_format("v2021").tables["proactive"].cells["proactive.fees.amount"].type == "money"


def test_every_rule_id_of_the_spec_is_declared():
    ids = {f: {r.id for r in get_format(f).rules} for f in ("v2019", "v2021")}
    common = {"T3-1", "T3-2", "T3-3", "T4-1", "T4-2", "T4-3", "X-1", "X-2", "X-3", "X-4", "X-6"}
    assert common <= ids["v2021"] and common <= ids["v2019"]
    assert {"T2-2", "T2-3", "T2-4", "T2-5"} <= ids["v2021"]
    assert {"T2-19-2", "T2-19-3", "T2-19-4", "T2-19-5", "T2-19-6"} <= ids["v2019"]


def test_no_official_label_is_typed_in_the_code():
    """Labels live in templates/; code that needs one reads it from the definition."""
    fmt = get_format("v2021")
    distinctive = [
        n.label
        for t in fmt.tables.values()
        for b in t.blocks
        for root in (*b.rows, *b.columns)
        for n in root.walk()
        if len(n.label) >= 6
    ] + [s.label for s in fmt.sections]
    offenders = []
    for path in (ROOT / "reportgen").rglob("*.py"):
        for text in _string_literals(path):
            offenders += [(path.name, label) for label in distinctive if label in text]
    assert offenders == []


def _string_literals(path):
    """String constants of a module, docstrings excepted (they may quote the form)."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            docstrings.add(id(first.value))
    return [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    ]


def test_wheel_ships_the_templates(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("reportgen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "reportgen/templates/v2021/format.yaml",
        "reportgen/templates/v2019/format.yaml",
        "reportgen/templates/common/applications.yaml",
        "reportgen/templates/default/fonts.yaml",
        "reportgen/cli.py",
        "reportgen/locale/zh_CN/LC_MESSAGES/click.mo",
    ):
        assert required in names
