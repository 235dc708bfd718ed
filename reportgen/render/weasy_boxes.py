"""Walking the laid-out box tree with less work (patches of WeasyPrint 70).

* **Tagging.**  ``add_tags`` builds the PDF/UA structure tree: one ``StructElem`` per
  element box and per text box (~850 a document), each with ``'Pg':
  pdf.page_references[page_number]``.  ``PDF.page_references`` is a property of
  pydyf 0.13 that formats the reference of every page again at each call.
  ``add_tags`` adds no page, so its answer cannot change while the tags are built:
  :func:`add_tags` hands WeasyPrint's own ``add_tags`` a view of the PDF whose
  ``page_references`` were formed once (every other attribute is the PDF's own).

Installed by :func:`reportgen.render.weasy.load` for WeasyPrint 70.x; nothing is kept
across documents.
"""

from __future__ import annotations


class _PagesFormed:
    """The PDF being written, with ``page_references`` read once."""

    def __init__(self, pdf) -> None:
        self._pdf = pdf
        self.page_references = pdf.page_references

    def __getattr__(self, name):
        return getattr(self._pdf, name)


def _quick_add_tags(original):
    def add_tags(pdf, document, pdf_version, page_streams):
        return original(_PagesFormed(pdf), document, pdf_version, page_streams)

    return add_tags


def install() -> None:
    """Install the patches above where WeasyPrint 70 defines and calls them."""
    import weasyprint.pdf
    from weasyprint.pdf import tags

    from reportgen.render import weasy

    add_tags = _quick_add_tags(tags.__dict__["add_tags"])
    weasy._patch(tags, "add_tags", add_tags)
    weasy._patch(weasyprint.pdf, "add_tags", add_tags)
