"""The collection after a document waits until the edit loop has shown the result.

``build --watch`` and the browser form's downloads typeset inside
``weasy.collection_deferred()`` and collect once the result is out; everything else
collects right after each document.  Either way the PDF is the same and at most one
document's garbage waits.
"""

from __future__ import annotations

import gc
import weakref

import pytest

from reportgen.render import weasy
from reportgen.render.build import BuildOptions, output_paths
from reportgen.render.pdf import html_to_pdf
from reportgen.render.watch import watch

PAGE = "<!DOCTYPE html><html lang='zh-CN'><body><p>政府信息公开 0</p></body></html>"


class _Cycle:
    """Garbage only the cyclic collector frees (it refers to itself)."""

    def __init__(self) -> None:
        self.me = self


def _typeset_with_garbage() -> weakref.ref:
    """Typeset a page and leave one reference cycle behind, as WeasyPrint's boxes do."""
    with weasy.typesetting():
        ref = weakref.ref(_Cycle())
        html_to_pdf(PAGE)
    return ref


@pytest.fixture(autouse=True)
def _collector_restored():
    weasy.collect_pending()
    assert gc.isenabled()
    yield
    weasy.collect_pending()
    gc.enable()


def test_without_deferral_each_document_is_collected_at_once():
    ref = _typeset_with_garbage()
    assert ref() is None and gc.isenabled()
    assert "collect_pending" not in weasy._state


def test_deferred_collection_waits_for_the_caller_and_keeps_the_collector_paused():
    with weasy.collection_deferred():
        ref = _typeset_with_garbage()
    assert ref() is not None, "collected before the caller was idle"
    assert not gc.isenabled(), "an automatic collection could walk the garbage meanwhile"
    weasy.collect_pending()
    assert ref() is None and gc.isenabled()
    weasy.collect_pending()  # nothing pending: nothing happens
    assert gc.isenabled()


def test_at_most_one_documents_garbage_waits():
    with weasy.collection_deferred():
        first = _typeset_with_garbage()
        second = _typeset_with_garbage()
    assert first() is None, "the next document collects what the last one left"
    assert second() is not None
    weasy.collect_pending()
    assert second() is None


def test_deferral_changes_no_byte():
    at_once = html_to_pdf(PAGE)
    with weasy.collection_deferred():
        deferred = html_to_pdf(PAGE)
    weasy.collect_pending()
    assert deferred == at_once


def test_watch_collects_after_reporting_each_build(tmp_path, write_report):
    from conftest import report_text

    path = write_report(report_text(2025))
    options = BuildOptions(formats=("pdf",), outdir=tmp_path / "out")
    seen = []

    def report(result, seconds):
        seen.append((result.ok, "collect_pending" in weasy._state, gc.isenabled()))

    watch(str(path), options, report, rounds=1)
    assert seen == [(True, True, False)], "the collection ran before the result was shown"
    assert "collect_pending" not in weasy._state and gc.isenabled()
    assert output_paths([str(path)], options)[str(path)]["pdf"].read_bytes().startswith(b"%PDF")


def test_browser_download_collects_after_sending(tmp_path):
    from test_serve_api import client, sample_values, write

    c = client(tmp_path)
    body = {"file": "2020.yaml", "values": sample_values(), "format": "pdf"}
    r = write(c, "/api/build", body)
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert r.content == (tmp_path / "2020.pdf").read_bytes()
    assert "collect_pending" not in weasy._state and gc.isenabled()
