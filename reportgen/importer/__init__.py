"""``reportgen import``: turn a published report back into a report file.

:func:`import_file` reads a source (:mod:`.sources`), finds the title, the six sections
(:mod:`.sections`) and the rows of tables 二, 三 and 四 (:mod:`.reader`, :mod:`.tables`,
labels matched by :mod:`.labels` against the format definitions), decides the format
version from the labels (:mod:`.versions`), and returns an :class:`ImportResult`
(:mod:`.result`, built by :mod:`.assemble`) that can be written as a commented report file
(:meth:`ImportResult.to_yaml`, :mod:`.report_file`) and described as JSON
(:meth:`ImportResult.to_json`).

Policy, for people auditing published reports:

* Numbers are kept as published, including totals that are not sums (``check`` reports them).
* A blank cell is written as 0 and the row's comment says which cells were blank.
* A row that cannot be read (columns that cannot be aligned, an ambiguous run of digits) or
  is not in the source at all is *not* written: its line is commented out with the reason
  and source line, so ``reportgen check`` reports the missing row and nothing is invented;
  the import then exits 1.
"""

from __future__ import annotations

from pathlib import Path

from reportgen.importer.assemble import import_document
from reportgen.importer.guard import clean_document
from reportgen.importer.result import Finding, ImportResult
from reportgen.importer.sources import read_source, text_document

__all__ = ["Finding", "ImportResult", "import_document", "import_file", "import_text"]


def import_file(path: str | Path) -> ImportResult:
    """Read and import one published report (or a workbook in the official layout)."""
    from reportgen.excel import XLSX_SUFFIXES

    if Path(path).suffix.lower() in XLSX_SUFFIXES:
        # read by its labels (reportgen.excel.reader), not as lines of text
        from reportgen.excel.reader import import_workbook

        return import_workbook(path)
    return import_document(read_source(path))


def import_text(text: str, name: str = "<text>") -> ImportResult:
    """Import a report given as text (as scraped from a web page; HTML is recognised)."""
    return import_document(clean_document(text_document(text, name)))
