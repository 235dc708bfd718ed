"""Agency and year of real published reports: the 43 openings, and titles as sites mangle them.

The expected names and years are written by hand from
``/work/shared/real-reports/openings/README.md`` (copied with the openings into
tests/data/openings).  Where the README says the text does not name the agency (a
``我局`` report, a mirror site), the expectation is what the text itself allows: no name
(``""``), or the shorter name the page really prints (009's flip-book says only 审计局).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.errors import InputError
from reportgen.importer import import_file, import_text
from reportgen.importer.title import clean_agency

OPENINGS = Path(__file__).parent / "data" / "openings"

#: file → (agency as the text names it, year); None year: the text states none.
EXPECTED = {
    "002.txt": ("文登区住建局", 2019),  # no title; the first sentence names it
    "003.txt": ("大路镇人民政府", 2019),
    "004.txt": ("大五里镇", 2020),
    "005.txt": ("胡市镇人民政府", 2019),
    "006.txt": ("乐至县回澜镇人民政府", 2019),
    "007.txt": ("", 2019),  # 我乡: the name is not in the text
    "008.txt": ("乌海市工业和信息化局", 2020),  # title without a year: 统计期限
    "009.txt": ("审计局", 2020),  # flip-book page: 2020年报_审计局
    "010.txt": ("", 2022),  # 我局
    "011.txt": ("蠡县审计局", 2022),
    "012.txt": ("长春新区科技局", 2023),
    "013.txt": ("佳荣里街", 2021),
    "014.txt": ("北岙街道办事处", 2021),
    "015.txt": ("石家庄市桥西区中山街道办事处", 2021),
    "016.txt": ("", 2023),  # 我镇
    "017.txt": ("太平镇人民政府", 2022),
    "018.txt": ("昌图县七家子镇", 2023),  # garbled 工作告年度报
    "019.txt": ("万潮镇", 2023),
    "020.txt": ("上海市人民政府参事室", 2022),  # year first
    "021.txt": ("威海市文登区信访局", 2022),  # Page 8 - …
    "022.txt": ("威海市文登人民政府办公室", 2022),
    "023.txt": ("", 2021),  # mirror: only 街道
    "024.txt": ("宿遷市審計局", 2022),  # traditional as published
    "025.txt": ("國家機關事務管理局", 2021),  # pinyin glosses removed
    "026.txt": ("上海市人民政府辦公廳", 2020),
    "027.txt": ("富县人民政府", 2024),  # named in the preface sentence
    "028.txt": ("合水县", 2024),
    "029.txt": ("威海市人民政府办公室", 2022),
    "030.txt": ("浑南区国资局", 2022),
    "031.txt": ("上海市", 2023),
    "032.txt": ("南城街街道办事处", 2021),
    "033.txt": ("迎宾路街道", 2021),  # breadcrumb above the title
    "034.txt": ("", 2024),
    "035.txt": ("", 2019),
    "036.txt": ("周矶街道办事处", 2020),
    "037.txt": ("市政府研究室", 2019),
    "038.txt": ("", 2021),
    "039.txt": ("九原区政务服务局", 2022),
    "040.txt": ("区统计局", 2023),
    "041.txt": ("螅镇", 2022),
    "042.txt": ("", None),
    "043.txt": ("", 2023),
    "044.txt": ("官洲街道办事处", 2023),
}


def test_every_opening_is_listed():
    assert sorted(p.name for p in OPENINGS.glob("*.txt")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_opening_agency_and_year(name):
    agency, year = EXPECTED[name]
    if year is None:
        with pytest.raises(InputError, match="年度"):
            import_file(OPENINGS / name)
        return
    result = import_file(OPENINGS / name)
    assert (result.agency, result.year) == (agency, year)
    info = result.to_json()
    assert info["year_from"]
    assert bool(info["agency_from"]) == bool(agency)


@pytest.mark.parametrize(
    ("title", "agency"),
    [
        (
            "标题: 平潭综合实验区经济发展局2022年政府信息公开工作年度报告",
            "平潭综合实验区经济发展局",
        ),
        ("当前位置：首页 > 政务公开 > 某某县水利局2022年政府信息公开工作年度报告", "某某县水利局"),
        ("Page 8 - 某某市信访局2022年政府信息公开工作年度报告", "某某市信访局"),
        (
            '<p style="text-align:center">某某区财政局2022年政府信息公开工作年度报告</p>',
            "某某区财政局",
        ),
        ("无障碍浏览 某某镇人民政府2022年度政府信息公开工作年度报告", "某某镇人民政府"),
    ],
)
def test_title_furniture_is_stripped(title, agency):
    text = f"{title}\n一、总体情况\n本机关认真贯彻《条例》。\n"
    result = import_text(text)
    assert (result.agency, result.year) == (agency, 2022)
    assert result.agency_from == "标题"


def test_title_broken_over_lines_and_spaced():
    text = "2024 年上海市某某委政府信息公开工作\n年度报告\n一、总体情况\n本委认真贯彻《条例》。\n"
    result = import_text(text)
    assert (result.agency, result.year) == ("上海市某某委", 2024)


def test_year_from_statistics_period_and_agency_from_signature():
    text = (
        "政府信息公开工作年度报告\n"
        "本报告所列数据的统计期限自2023年1月1日起至2023年12月31日止。\n"
        "一、总体情况\n本局认真贯彻《条例》。\n"
        "六、其他需要报告的事项\n无。\n某某市统计局\n2024年1月20日\n"
    )
    result = import_text(text)
    assert (result.year, result.year_from) == (2023, "统计期限")
    assert (result.agency, result.agency_from) == ("某某市统计局", "落款")


def test_agency_from_publisher_field():
    text = (
        "2023年政府信息公开工作年度报告\n发布机构：某某县民政局  发布时间：2024-01-10\n"
        "一、总体情况\n我局认真贯彻《条例》。\n"
    )
    result = import_text(text)
    assert (result.agency, result.agency_from) == ("某某县民政局", "发布机构")


@pytest.mark.parametrize("text", ["我局", "根据《条例》规定", "本机关", "2023年", "一、总体情况"])
def test_sentences_and_pronouns_are_not_names(text):
    assert clean_agency(text) is None
