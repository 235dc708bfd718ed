"""Build the corpus of PDF and DOCX layouts the importer is measured and tested on.

Every sample report (``samples/*.yaml``, values written by hand) is rendered by
``reportgen build`` and then passed through LibreOffice the ways agencies produce their
files; the five seed texts go through LibreOffice too.  Expected values never come from the
importer: they are the samples' values, and for seeds ``tests/data/import/seeds.yaml``.

Layouts (``layout`` of each manifest entry):

* ``reportgen-html|docx|pdf``: reportgen's own outputs.
* ``lo-html-pdf``: the HTML as a web page (tables ``width=100%``), printed by
  LibreOffice: tables without ruling lines, headers repeated
  on each page, long tables split over pages.
* ``lo-html-bordered-pdf``: the same page with ``border=1`` tables: ruled tables.
* ``lo-html-docx``: the web page inside a site layout table (menu cell, content cell)
  saved as DOCX by LibreOffice (nested tables, merges as vMerge/gridSpan, empty
  paragraphs in cells); ``lo-html-docx-pdf``: the page without the layout table saved as
  DOCX and printed.
* ``lo-word-pdf``: reportgen's DOCX printed by LibreOffice (Word tables with rules).
* ``lo-blank-pdf`` / ``lo-blank-bordered-pdf``: web page with some value cells emptied
  (the manifest lists them: they must come out blank, not 0 and not shifted).
* ``lo-narrow-pdf``: reportgen's DOCX with value columns so narrow that headers are set one
  character per line, printed by LibreOffice.
* ``chromium-pdf`` / ``chromium-blank-pdf``: the web page (and the one with emptied cells)
  printed to PDF by headless Chromium, as a reader saves a page from the browser.
* ``seed-lo-pdf|html|docx``: the seed texts opened and saved by LibreOffice.

Usage: ``python bench/layout_corpus.py OUT_DIR`` (writes ``OUT_DIR/manifest.json``).
LibreOffice runs with a private profile per call, a handful of calls in all.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.yaml"))
SEEDS = ROOT / "tests" / "data" / "published"
SEED_NAMES = sorted(p.name for p in SEEDS.glob("00[0-4]_*.txt"))
#: Samples whose web page gets blanked cells, and one in how many value cells is emptied.
BLANK_SAMPLES = ("001-wendeng-gxj-2020", "003-shangqiu-gxj-2021")
BLANK_EVERY = 5
NARROW_SAMPLES = ("000-jieyang-gxj-2020", "003-shangqiu-gxj-2021")


def chromium(pages: list[Path], outdir: Path) -> None:
    """Print web pages to PDF with headless Chromium, as a reader's browser does."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        return
    outdir.mkdir(parents=True, exist_ok=True)
    for page in pages:
        target = outdir / f"{page.stem}.pdf"
        subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
             f"--print-to-pdf={target}", page.as_uri()],
            check=False, capture_output=True, timeout=120,
        )  # fmt: skip


def soffice(target: str, files: list[Path], outdir: Path, infilter: str | None = None) -> None:
    """Convert ``files`` with LibreOffice (private profile, one process for all files)."""
    outdir.mkdir(parents=True, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="lo-layout-")
    try:
        cmd = ["soffice", f"-env:UserInstallation=file://{profile}", "--headless"]
        if infilter:
            cmd.append(f"--infilter={infilter}")
        cmd += ["--convert-to", target, "--outdir", str(outdir), *map(str, files)]
        subprocess.run(cmd, check=True, capture_output=True, timeout=600)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


# --------------------------------------------------------------------------- web pages


def web_page(html: str, *, bordered: bool, layout: bool = False) -> str:
    """reportgen's HTML as a site publishes it: report tables with HTML width (and border)
    attributes, which is what LibreOffice reads (it ignores most CSS), and with ``layout``
    a site layout table around the report (menu cell, content cell)."""
    # Inside a layout cell LibreOffice takes width=100% of the page, not of the cell.
    attrs = (
        ' cellspacing="0" cellpadding="2"'
        if layout
        else ' width="100%" cellspacing="0" cellpadding="2"'
    )
    if bordered:
        attrs += ' border="1"'
    html = re.sub(r"<table\b", "<table" + attrs, html)
    if not layout:
        return html
    body_open = re.search(r"<body[^>]*>", html)
    start, end = body_open.end(), html.rindex("</body>")
    layout = (
        '<table width="100%"><tr><td colspan="2">首页 &gt; 政务公开 &gt; 年度报告</td></tr>'
        '<tr><td width="8%" valign="top"><p>栏目</p><p>通知公告</p></td><td>'
    )
    return html[:start] + layout + html[start:end] + "</td></tr></table>" + html[end:]


def blank_cells(html: str, every: int) -> tuple[str, list[str]]:
    """Empty one in ``every`` value cells of tables 三 and 四; the emptied cell paths."""
    blanked: list[str] = []
    count = [0]

    def repl(m: re.Match) -> str:
        path = m.group(2)
        if not path.startswith(("applications.", "appeals.")):
            return m.group(0)
        count[0] += 1
        if count[0] % every:
            return m.group(0)
        blanked.append(path)
        return f"{m.group(1)}{m.group(3)}"

    pattern = r'(<td[^>]*data-cell="([^"]+)"[^>]*>)[^<]*(</td>)'
    return re.sub(pattern, repl, html), blanked


def narrow_docx(source: Path, target: Path, width: int = 400) -> None:
    """reportgen's DOCX with the value columns of tables 三 and 四 about one character
    wide (``width`` twips), so their headers are set one character per line."""
    import zipfile

    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(source) as zin:
        parts = {name: zin.read(name) for name in zin.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    for tbl in root.iter(f"{w}tbl"):
        cols = tbl.findall(f"{w}tblGrid/{w}gridCol")
        if len(cols) < 10:
            continue
        values = 7 if len(cols) < 15 else len(cols)
        old = [int(c.get(f"{w}w")) for c in cols]
        spare = sum(old) - width * values
        labels = len(cols) - values
        new = [spare * o // max(sum(old[:labels]), 1) for o in old[:labels]] + [width] * values
        for col, value in zip(cols, new, strict=True):
            col.set(f"{w}w", str(value))
        for tr in tbl.iter(f"{w}tr"):
            at = 0
            for tc in tr.findall(f"{w}tc"):
                span = tc.find(f"{w}tcPr/{w}gridSpan")
                n = int(span.get(f"{w}val")) if span is not None else 1
                tcw = tc.find(f"{w}tcPr/{w}tcW")
                if tcw is not None:
                    tcw.set(f"{w}w", str(sum(new[at : at + n])))
                    tcw.set(f"{w}type", "dxa")
                at += n
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)


# --------------------------------------------------------------------------- build


def build(out: Path) -> list[dict]:
    """Make every file of the corpus under ``out``; return and write the manifest."""
    out.mkdir(parents=True, exist_ok=True)
    built = out / "built"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [sys.executable, "-m", "reportgen", "build", *map(str, SAMPLES), "-o", str(built),
         "--draft", "-j", "1", "--to", "html,docx,pdf"],
        check=False, capture_output=True, env=env, timeout=600,
    )  # fmt: skip
    manifest: list[dict] = []

    def add(path: Path, layout: str, *, sample: str | None = None, seed: str | None = None,
            blank: list[str] | None = None, published: str | None = None) -> None:  # fmt: skip
        if path.is_file():
            manifest.append({
                "file": str(path.relative_to(out)), "layout": layout, "sample": sample,
                "seed": seed, "published": published, "blank": blank or [],
            })  # fmt: skip

    for sample in SAMPLES:
        for kind in ("html", "docx", "pdf"):
            add(built / f"{sample.stem}.{kind}", f"reportgen-{kind}", sample=sample.name)

    dirs = ("web", "site", "webb", "blank", "blankb", "narrow")
    web, site_dir, bordered, blank, blank_b, narrow = (out / d for d in dirs)
    for d in (web, site_dir, bordered, blank, blank_b, narrow):
        d.mkdir(exist_ok=True)
    blanked: dict[str, list[str]] = {}
    for sample in SAMPLES:
        html = (built / f"{sample.stem}.html").read_text(encoding="utf-8")
        (web / f"{sample.stem}.html").write_text(web_page(html, bordered=False), "utf-8")
        site = web_page(html, bordered=False, layout=True)
        (site_dir / f"{sample.stem}.html").write_text(site, "utf-8")
        (bordered / f"{sample.stem}.html").write_text(web_page(html, bordered=True), "utf-8")
        if sample.stem in BLANK_SAMPLES:
            emptied, paths = blank_cells(html, BLANK_EVERY)
            blanked[sample.stem] = paths
            (blank / f"{sample.stem}.html").write_text(web_page(emptied, bordered=False), "utf-8")
            (blank_b / f"{sample.stem}.html").write_text(web_page(emptied, bordered=True), "utf-8")
        if sample.stem in NARROW_SAMPLES:
            narrow_docx(built / f"{sample.stem}.docx", narrow / f"{sample.stem}.docx")

    html_filter = "HTML (StarWriter)"
    pdf = "pdf:writer_pdf_Export"
    docx = "docx:MS Word 2007 XML"
    web_pages = [*web.glob("*.html")]
    soffice(pdf, web_pages, out / "lo-html-pdf", html_filter)
    soffice(docx, [*site_dir.glob("*.html")], out / "lo-html-docx", html_filter)
    soffice(pdf, [*bordered.glob("*.html")], out / "lo-bordered-pdf", html_filter)
    soffice(pdf, [*narrow.glob("*.docx")], out / "lo-narrow-pdf")
    soffice(docx, web_pages, out / "lo-web-docx", html_filter)
    soffice(pdf, [*blank.glob("*.html")], out / "lo-blank-pdf", html_filter)
    soffice(pdf, [*blank_b.glob("*.html")], out / "lo-blank-bordered-pdf", html_filter)
    # Printed from the DOCX of the page without the site layout table, which LibreOffice
    # sets wider than the page (its right part would be cut off).
    soffice(pdf, [*(out / "lo-web-docx").glob("*.docx")], out / "lo-html-docx-pdf")
    soffice(pdf, [*built.glob("*.docx")], out / "lo-word-pdf")
    chromium(web_pages, out / "chromium-pdf")
    chromium([*blank.glob("*.html")], out / "chromium-blank-pdf")

    for sample in SAMPLES:
        stem = sample.stem
        add(out / "lo-html-pdf" / f"{stem}.pdf", "lo-html-pdf", sample=sample.name)
        add(out / "lo-bordered-pdf" / f"{stem}.pdf", "lo-html-bordered-pdf", sample=sample.name)
        add(out / "lo-html-docx" / f"{stem}.docx", "lo-html-docx", sample=sample.name)
        add(out / "lo-html-docx-pdf" / f"{stem}.pdf", "lo-html-docx-pdf", sample=sample.name)
        add(out / "lo-word-pdf" / f"{stem}.pdf", "lo-word-pdf", sample=sample.name)
        add(out / "lo-narrow-pdf" / f"{stem}.pdf", "lo-narrow-pdf", sample=sample.name)
        add(out / "chromium-pdf" / f"{stem}.pdf", "chromium-pdf", sample=sample.name)
        for layout in ("lo-blank-pdf", "lo-blank-bordered-pdf", "chromium-blank-pdf"):
            path = out / layout / f"{stem}.pdf"
            add(path, layout, sample=sample.name, blank=blanked.get(stem))

    seeds = out / "seeds"
    seeds.mkdir(exist_ok=True)
    for name in SEED_NAMES:
        shutil.copy(SEEDS / name, seeds / name)
    seed_files = [seeds / n for n in SEED_NAMES]
    text_filter = "Text (encoded):UTF8,LF,,,"
    soffice(pdf, seed_files, out / "seed-lo-pdf", text_filter)
    soffice("html:HTML (StarWriter)", seed_files, out / "seed-lo-html", text_filter)
    soffice(docx, seed_files, out / "seed-lo-docx", text_filter)
    for name in SEED_NAMES:
        stem = Path(name).stem
        for layout, ext in (("seed-lo-pdf", "pdf"), ("seed-lo-html", "html"),
                            ("seed-lo-docx", "docx")):  # fmt: skip
            add(out / layout / f"{stem}.{ext}", layout, seed=name)
    for name in ("008.pdf", "009.pdf"):
        shutil.copy(SEEDS / name, out / name)
        add(out / name, "published-wps-pdf", published=name)
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return manifest


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python bench/layout_corpus.py OUT_DIR")
    entries = build(Path(sys.argv[1]))
    print(f"{len(entries)} files in {sys.argv[1]}")


# --------------------------------------------------------------------------- cells

#: Table 四's 15 cells in printed order.
APPEAL_GROUPS = ("review", "lit_direct", "lit_after_review")
APPEAL_LEAVES = ("upheld", "corrected", "other", "pending", "total")


def expected_cells(entry: dict) -> dict[str, object]:
    """Cell path → value written by hand (``"blank"`` for a cell emptied on purpose)."""
    if entry.get("sample"):
        from reportgen.validate import load_report

        report = load_report(ROOT / "samples" / entry["sample"])
        cells = {}
        for table in report.format.tables.values():
            for cell in table.cells.values():
                if cell.path in report.values:
                    cells[cell.path] = report.values[cell.path]
        for path in entry.get("blank", []):
            cells[path] = "blank"
        return cells
    if entry.get("seed"):
        return seed_cells(entry["seed"])
    if entry.get("published"):
        return published_cells(entry["published"])
    return {}


def _table_cells(expected: dict, fmt, rows: list) -> dict[str, object]:
    """Cells of a hand-written table 三 (row path → 7 values) and table 四 (15 values)."""
    columns = [c.key for c in fmt.tables["applications"].blocks[0].column_leaves]
    cells: dict[str, object] = {}
    for path in rows:
        for column, value in zip(columns, expected["applications"][path], strict=True):
            cells[f"applications.{path}.{column}"] = value
    paths = [f"appeals.{g}.{k}" for g in APPEAL_GROUPS for k in APPEAL_LEAVES]
    cells.update(zip(paths, expected["appeals"], strict=True))
    return cells


def published_cells(name: str) -> dict[str, object]:
    """The hand-written cells of a published PDF (tests/data/import/published_pdfs.yaml)."""
    from decimal import Decimal

    import yaml

    from reportgen.definition import get_format

    data = (ROOT / "tests/data/import/published_pdfs.yaml").read_text("utf-8")
    expected = yaml.safe_load(data)[name]
    cells: dict[str, object] = {}
    for row, values in expected["proactive"].items():
        for column, value in values.items():
            cells[f"proactive.{row}.{column}"] = Decimal(value) if column == "amount" else value
    cells.update(_table_cells(expected, get_format("v2021"), list(expected["applications"])))
    return cells


def seed_cells(name: str) -> dict[str, object]:
    """The hand-written values of a seed (tests/data/import/seeds.yaml) by cell path."""
    from decimal import Decimal

    import yaml

    from reportgen.definition import get_format

    expected = yaml.safe_load((ROOT / "tests/data/import/seeds.yaml").read_text("utf-8"))[name]
    fmt = get_format(expected["format"])
    cells: dict[str, object] = {}
    for row, values in expected["proactive"].items():
        for column, value in values.items():
            if column in ("unit", "precision"):
                continue
            cells[f"proactive.{row}.{column}"] = (
                Decimal(str(value)) if column == "amount" else value
            )
    apps = fmt.tables["applications"].blocks[0]
    columns = [c.key for c in apps.column_leaves]
    table = expected["applications"]
    if table != "unreadable":
        for leaf in apps.row_leaves:
            values = [0] * 7 if table == "zeros" else table[leaf.dotted]
            for column, value in zip(columns, values, strict=True):
                cells[f"applications.{leaf.dotted}.{column}"] = value
    if expected["appeals"] != "missing":
        paths = [f"appeals.{g}.{k}" for g in APPEAL_GROUPS for k in APPEAL_LEAVES]
        cells.update(zip(paths, expected["appeals"], strict=True))
    return cells


def imported_cells(result) -> dict[str, object]:
    """Cell path → what the import made of it: the value, ``"blank"``, or None (not read)."""
    cells: dict[str, object] = {}
    for table in result.format.tables.values():
        for cell in table.cells.values():
            row_path = ".".join((table.key, *cell.row.path))
            if table.key == "appeals":
                row_path = ".".join((table.key, *cell.column.path[:1]))
            if row_path in result.skipped:
                cells[cell.path] = None
                continue
            node = result.data.get(table.key, {})
            for part in (*cell.row.path, *cell.column.path):
                node = node.get(part) if isinstance(node, dict) else None
            if cell.column.label in result.blanks.get(row_path, []):
                node = "blank"
            cells[cell.path] = node
    return cells


def score(entry: dict, result) -> tuple[int, int, list[str]]:
    """(cells right, cells expected, paths wrong) of one imported file."""
    want = expected_cells(entry)
    got = imported_cells(result) if result is not None else {}
    wrong = [p for p, v in want.items() if got.get(p) is None or got.get(p) != v]
    return len(want) - len(wrong), len(want), wrong
