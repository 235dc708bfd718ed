"""Walking the laid-out box tree with less work (patches of WeasyPrint 70).

* **Tagging.**  ``add_tags`` builds the PDF/UA structure tree: one ``StructElem`` per
  element box and per text box (~850 a document), each with ``'Pg':
  pdf.page_references[page_number]``.  ``PDF.page_references`` is a property of
  pydyf 0.13 that formats the reference of every page again at each call.
  ``add_tags`` adds no page, so its answer cannot change while the tags are built:
  :func:`add_tags` hands WeasyPrint's own ``add_tags`` a view of the PDF whose
  ``page_references`` were formed once (every other attribute is the PDF's own).

* **Anchors.**  ``gather_anchors`` visits every box of a page (``Page.__init__``) to
  collect its transforms, bookmarks, links, anchors and form fields; most boxes have
  none.  A box with no transform, bookmark label, link (its own or its parent's),
  anchor and that is no form or form field element records nothing and hands its
  children the parent's matrix, form and link: :func:`_quick_gather_anchors` does
  just that for such a box and gives every other box to WeasyPrint's own function.

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


_FORM_TAGS = frozenset(("button", "input", "select", "textarea", "form"))


def _quick_gather_anchors(original):
    """WeasyPrint 70's ``gather_anchors`` with the box that records nothing first.

    For such a box the original computes ``matrix = parent_matrix``, finds no
    bookmark (no label), no link (``box.link or parent_link`` is falsy), no anchor,
    no input (``is_input`` needs a ``button``, ``input``, ``select`` or ``textarea``
    element) and no form (a ``form`` element), and walks ``box.all_children()`` with
    ``matrix``, ``parent_form`` and ``box.link or parent_link``.
    """

    def gather_anchors(
        box,
        anchors,
        links,
        bookmarks,
        forms,
        parent_matrix=None,
        parent_form=None,
        parent_link=None,
    ):
        style = box.style
        element = box.element
        if (
            style["transform"]
            or box.bookmark_label
            or box.link
            or parent_link
            or style["anchor"]
            or (element is not None and element.tag in _FORM_TAGS)
        ):
            return original(
                box, anchors, links, bookmarks, forms, parent_matrix, parent_form, parent_link
            )
        for child in box.all_children():
            gather_anchors(
                child,
                anchors,
                links,
                bookmarks,
                forms,
                parent_matrix,
                parent_form,
                box.link or parent_link,
            )
        return None

    return gather_anchors


def install() -> None:
    """Install the patches above where WeasyPrint 70 defines and calls them."""
    import weasyprint.pdf
    from weasyprint import anchors, document
    from weasyprint.pdf import tags

    from reportgen.render import weasy

    add_tags = _quick_add_tags(tags.__dict__["add_tags"])
    weasy._patch(tags, "add_tags", add_tags)
    weasy._patch(weasyprint.pdf, "add_tags", add_tags)
    gather = _quick_gather_anchors(anchors.__dict__["gather_anchors"])
    weasy._patch(anchors, "gather_anchors", gather)
    weasy._patch(document, "gather_anchors", gather)
