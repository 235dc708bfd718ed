"""``reportgen aggregate``: the office's report as the sum of its members', and its refusals."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest
from members import member_data

from reportgen.cli import main
from reportgen.definition import format_for_year
from reportgen.validate import check_file, load_report
from reportgen.writer import dump_report

ROOT = Path(__file__).resolve().parent.parent
COUNTY = "某某县人民政府"


def run(args, capsys):
    """The command line in-process; arguments may be paths and numbers."""
    with pytest.raises(SystemExit) as info:
        main([str(a) for a in args])
    out, err = capsys.readouterr()
    return info.value.code, out, err


def write_member(folder: Path, agency: str, year: int = 2024, seed: int = 0, change=None) -> Path:
    fmt = format_for_year(year)
    data = member_data(fmt, agency, year, random.Random(seed))
    if change:
        change(data)
    path = folder / f"{agency}.yaml"
    path.write_text(dump_report(fmt, data), encoding="utf-8")
    return path


@pytest.fixture
def county(tmp_path):
    """Twelve members of 2024 with fees in exact decimals."""
    paths = []
    for i in range(12):
        agency = f"某某县第{i}局" if i % 3 else f"某某县某{i}镇人民政府"

        def fees(data, i=i):
            data["proactive"]["fees"]["amount"] = Decimal("0.1") * (i + 1) + Decimal("0.0001")

        paths.append(write_member(tmp_path, agency, seed=i, change=fees))
    return paths


def test_sum_is_cell_by_cell_exact_and_passes_check_and_builds(county, tmp_path, capsys):
    out = tmp_path / "out" / "county.yaml"
    out.parent.mkdir()
    code, stdout, err = run(
        ["aggregate", *county, "--agency", COUNTY, "--year", 2024, "-o", out], capsys
    )
    assert code == 0, err
    assert stdout == ""
    outcome = check_file(out)
    assert outcome.ok, [p.format() for p in outcome.problems]
    result = outcome.report
    members = [load_report(p) for p in county]
    for path in result.format.cells:
        assert result.values[path] == sum(m.values[path] for m in members), path
    fee = result.values["proactive.fees.amount"]
    assert isinstance(fee, Decimal) and fee == Decimal("7.8012")  # 0.1·(1+…+12) + 12·0.0001
    text = out.read_text(encoding="utf-8")
    assert "amount: 7.8012" in text
    # the comment lists every member and its figures
    for m in members:
        assert m.agency in text
    new_total = sum(m.values["applications.new_received.total"] for m in members)
    # section 一 cites the table cells, never a typed number
    overview = result.sections["overview"]
    assert "{{ applications.new_received.total }}" in overview
    assert str(new_total) not in overview
    # and builds
    code, _, err = run(["build", out, "--to", "html", "-o", tmp_path / "html", "-j", 1], capsys)
    assert code == 0, err
    page = (tmp_path / "html" / "county.html").read_text(encoding="utf-8")
    assert f"共新收政府信息公开申请{new_total}件" in page
    assert "本级及所属12个单位" in page


def test_refuses_members_of_another_year(tmp_path, capsys):
    a = write_member(tmp_path, "某某县教育局")
    b = write_member(tmp_path, "某某县财政局", year=2023)
    code, _, err = run(["aggregate", a, b, "--agency", COUNTY, "--year", 2024], capsys)
    assert code == 1
    assert "年度与 --year 2024 不同" in err and "2023年" in err and str(b) in err


def test_refuses_one_agency_twice_however_written(tmp_path, capsys):
    a = write_member(tmp_path, "某某县财政局", seed=1)
    (tmp_path / "b").mkdir()
    b = write_member(tmp_path / "b", "某某縣 財政局", seed=2)
    code, _, err = run(["aggregate", a, b, "--agency", COUNTY, "--year", 2024], capsys)
    assert code == 1 and "同一机关出现了两次" in err


def test_refuses_an_aggregate_among_its_members(county, tmp_path, capsys):
    town = tmp_path / "town.yaml"
    code, _, _ = run(
        ["aggregate", *county[:3], "--agency", "某某县某镇汇总", "--year", 2024, "-o", town], capsys
    )
    assert code == 0
    # by its header …
    code, _, err = run(["aggregate", *county, town, "--agency", COUNTY, "--year", 2024], capsys)
    assert code == 1 and "本身是汇总报告" in err and "重复计算" in err
    # … and by its figures when the header is gone
    stripped = tmp_path / "stripped.yaml"
    stripped.write_text(
        "".join(
            line
            for line in town.read_text(encoding="utf-8").splitlines(keepends=True)
            if not line.startswith("# 汇总成员")
        ),
        encoding="utf-8",
    )
    code, _, err = run(["aggregate", *county, stripped, "--agency", COUNTY, "--year", 2024], capsys)
    assert code == 1 and "每个数字都等于" in err
    for member in county[:3]:
        assert load_report(member).agency in err


def test_refuses_members_with_errors_unless_allowed(county, tmp_path, capsys):
    def broken(data):
        data["applications"]["granted"]["natural_person"] += 2

    bad = write_member(tmp_path, "某某县审计局", seed=50, change=broken)
    code, _, err = run(["aggregate", *county, bad, "--agency", COUNTY, "--year", 2024], capsys)
    assert code == 1 and "有错误" in err and str(bad) in err and "--allow-invalid" in err
    out = tmp_path / "marked.yaml"
    code, _, err = run(
        ["aggregate", *county, bad, "--agency", COUNTY, "--year", 2024, "-o", out,
         "--allow-invalid"],
        capsys,
    )  # fmt: skip
    assert code == 1
    assert "注意：以下成员报告有错误" in out.read_text(encoding="utf-8")


def test_roster_lists_who_is_missing(county, tmp_path, capsys):
    agencies = [load_report(p).agency for p in county]
    roster = tmp_path / "roster.txt"
    roster.write_text(
        "# 应报送名单\n" + "\n".join([*agencies, "某某县林业局", "某某县气象局"]) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "with-roster.yaml"
    code, _, err = run(
        ["aggregate", *county[:-1], "--agency", COUNTY, "--year", 2024, "--roster", roster,
         "-o", out],
        capsys,
    )  # fmt: skip
    assert code == 0
    assert "名单中有 3 个机关没有报告" in err
    assert agencies[-1] in err and "某某县林业局" in err and "某某县气象局" in err
    assert "名单中没有报告的机关（3 个）" in out.read_text(encoding="utf-8")
    yaml_roster = tmp_path / "roster.yaml"
    yaml_roster.write_text("\n".join(f"- {a}" for a in agencies) + "\n", encoding="utf-8")
    code, _, err = run(
        ["aggregate", *county, "--agency", COUNTY, "--year", 2024, "--roster", yaml_roster],
        capsys,
    )
    assert code == 0 and f"名单中的 {len(agencies)} 个机关都有报告" in err


def test_check_compares_a_published_aggregate_cell_by_cell(county, tmp_path, capsys):
    out = tmp_path / "sum.yaml"
    run(["aggregate", *county, "--agency", COUNTY, "--year", 2024, "-o", out], capsys)
    code, _, err = run(
        ["aggregate", *county, "--agency", COUNTY, "--year", 2024, "--check", out], capsys
    )
    assert code == 0 and "每个单元格都等于成员合计" in err
    published = tmp_path / "published.yaml"
    text = out.read_text(encoding="utf-8")
    summed = load_report(out)
    granted = summed.values["applications.granted.natural_person"]
    fixed = text.replace("  granted: [", "  granted: [X", 1)
    head, rest = fixed.split("granted: [X", 1)
    first, tail = rest.split(",", 1)
    published.write_text(f"{head}granted: [{int(first) + 4},{tail}", encoding="utf-8")
    code, _, err = run(
        ["aggregate", *county, "--agency", COUNTY, "--year", 2024, "--check", published], capsys
    )
    assert code == 1
    cell = summed.format.cells["applications.granted.natural_person"]
    assert f"{cell.describe()}：公布 {granted + 4}，成员合计 {granted}，差 +4" in err
    # the totals that follow from it differ too, each named with both sides
    assert "有 " in err and "个单元格与成员合计不同" in err


def test_members_may_be_published_reports(tmp_path, capsys):
    a = ROOT / "tests" / "data" / "published" / "000_d70af7ae21dfd526.txt"
    b = ROOT / "samples" / "001-wendeng-gxj-2020.yaml"
    out = tmp_path / "city.yaml"
    code, _, err = run(["aggregate", a, b, "--agency", "某某市人民政府", "--year", 2020, "-o", out],
                       capsys)  # fmt: skip
    assert code == 0, err
    assert check_file(out).ok
    text = out.read_text(encoding="utf-8")
    assert "揭阳市工业和信息化局（000_d70af7ae21dfd526.txt）" in text
