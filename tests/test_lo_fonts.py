"""LibreOffice sets the DOCX in serif faces for 仿宋/宋体 with ``doctor --fontconfig``.

Without the agencies' fonts LibreOffice asks fontconfig for 仿宋_GB2312 and gets the
default sans-serif face (nothing in the DOCX font table is read for the choice, see
reportgen/render/fontconfig_aliases.py).  The same report is converted twice, once with
the machine's fontconfig and once with the file ``reportgen doctor --fontconfig`` writes
(placed as a user's conf.d file would be, before the system rules), and the faces of the
title, a 一、 heading, a （一） heading and a body line are read from the PDF.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from xml.etree import ElementTree

import pdfplumber
import pytest
from layout_checks import lines
from test_render_html import load

from reportgen.render.docx import render_docx
from reportgen.render.fontconfig_aliases import aliases, aliases_conf

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is missing")


def _convert(folder, name: str, env: dict[str, str]) -> bytes:
    profile = f"file:///tmp/lo-fonts-test-{os.getpid()}-{name}"
    subprocess.run(
        [
            *("soffice", "--headless", f"-env:UserInstallation={profile}"),
            *("--convert-to", "pdf", "--outdir", str(folder / name), str(folder / "r.docx")),
        ],
        capture_output=True,
        timeout=300,
        check=False,
        env={**os.environ, **env},
    )
    return (folder / name / "r.pdf").read_bytes()


def _faces(data: bytes, report) -> dict[str, set[str]]:
    """The fonts of the CJK characters of the title, a heading of each level and body text."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        printed = lines(pdf)
    heading1 = report.format.sections[0].label.replace(" ", "")
    texts = [ln.text.replace(" ", "") for ln in printed]
    at = texts.index(heading1)
    picked = {
        "title": [ln for ln in printed if ln.page == 1 and abs(ln.size - 22) < 0.6],
        "heading1": [printed[at]],
        "body": [printed[at + 1]],
        "heading2": [ln for ln in printed if ln.text.startswith("（一）")][:1],
    }
    return {
        role: {
            c["fontname"].split("+")[-1]
            for ln in found
            for c in ln.chars
            if ord(c["text"]) > 0x2E80
        }
        for role, found in picked.items()
    }


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    known = dict(aliases())
    if known.get("仿宋_GB2312", "").startswith("Noto Serif CJK") is False:
        pytest.skip("the agencies' fonts are installed, or Noto Serif CJK is not")
    folder = tmp_path_factory.mktemp("lo-fonts")
    report = load(2024)
    (folder / "r.docx").write_bytes(render_docx(report))
    (folder / "reportgen.conf").write_text(aliases_conf(), encoding="utf-8")
    (folder / "fonts.conf").write_text(
        '<?xml version="1.0"?><fontconfig>'
        f"<include>{folder / 'reportgen.conf'}</include>"
        "<include>/etc/fonts/fonts.conf</include></fontconfig>",
        encoding="utf-8",
    )
    plain = _convert(folder, "plain", {})
    aliased = _convert(folder, "aliased", {"FONTCONFIG_FILE": str(folder / "fonts.conf")})
    return report, _faces(plain, report), _faces(aliased, report)


def test_without_aliases_libreoffice_sets_fangsong_in_a_sans(converted):
    _, plain, _ = converted
    assert plain["body"] and all("Sans" in face for face in plain["body"]), plain


def test_with_the_aliases_each_role_gets_its_free_face(converted):
    _, _, aliased = converted
    assert aliased["body"] and all("SerifCJK" in f and "Regular" in f for f in aliased["body"])
    assert aliased["title"] and all("SerifCJK" in f and "Black" in f for f in aliased["title"])
    assert aliased["heading1"] and all("SansCJK" in f for f in aliased["heading1"]), aliased
    assert aliased["heading2"] and all("UKai" in f for f in aliased["heading2"]), aliased


def test_the_aliases_bind_strongly_and_cover_every_named_font():
    conf = aliases_conf()
    ElementTree.fromstring(conf.encode("utf-8"))  # well-formed, or fontconfig ignores it all
    names = [missing for missing, _ in aliases()]
    assert conf.count('<alias binding="strong">') == len(names)
    for family in names:
        assert f"<family>{family}</family><prefer>" in conf
