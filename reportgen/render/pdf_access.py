"""An accessible, well-formed PDF (GB/T 37668-2019, PDF/UA-1), added to WeasyPrint's output.

Government sites must publish accessible documents.  WeasyPrint 70 writes a tagged PDF
with ``pdf_variant="pdf/ua-1"``: a structure tree built from the HTML (H1/H2/H3, P, Table
with TH/TD, reading order as in the page), ``MarkInfo``, ``DisplayDocTitle`` and an XMP
metadata stream.  This module asks for that variant and finishes the file:

- ``PageMode /UseOutlines``: the viewer opens with the bookmarks panel (the six sections);
- subset tags (the ``ABCDEF+`` prefix of an embedded font's name) derived from the glyphs
  each subset holds, so two different subsets never share a tag (WeasyPrint derives the
  tag from the font description only, so the same face at two sizes or weights embedded
  twice looked like one font to a preflight checker).

The font finisher of :mod:`reportgen.render.pdf` (bare CFF programs) runs first; it keeps
the font dictionaries and only replaces font programs, so the tags still match.
"""

from __future__ import annotations

import hashlib

#: The WeasyPrint options that make the PDF tagged, with XMP metadata.
WRITE_OPTIONS = {"pdf_variant": "pdf/ua-1"}


def _tag(data: bytes, name: bytes) -> str:
    digest = hashlib.md5(name + b"\0" + data, usedforsecurity=False).digest()
    return "".join(chr(65 + byte % 26) for byte in digest[:6])


def _stream_bytes(stream) -> bytes:
    return b"".join(bytes(chunk) for chunk in stream.stream)


def _name(value) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode("latin-1")


def distinct_subset_tags(pdf) -> None:
    """Rename every ``/TAG+Name`` font after the content of its embedded program."""
    objects = pdf.objects
    renames: dict[bytes, bytes] = {}
    for obj in objects:
        if not isinstance(obj, dict) or obj.get("Type") != "/FontDescriptor":
            continue
        name = _name(obj.get("FontName", b""))
        program = next((obj[k] for k in ("FontFile", "FontFile2", "FontFile3") if k in obj), None)
        if b"+" not in name or program is None:
            continue
        stream = objects[int(bytes(program).split()[0])]
        base = name.split(b"+", 1)[1]
        new = b"/" + _tag(_stream_bytes(stream), base).encode("ascii") + b"+" + base
        renames[name] = new
        obj["FontName"] = new
    for obj in objects:
        if isinstance(obj, dict) and obj.get("Type") == "/Font" and "BaseFont" in obj:
            new = renames.get(_name(obj["BaseFont"]))
            if new is not None:
                obj["BaseFont"] = new


def finish(document, pdf) -> None:
    """Open with the bookmarks, show the title, and give each subset its own tag."""
    import pydyf

    pdf.catalog["PageMode"] = "/UseOutlines"
    preferences = pdf.catalog.get("ViewerPreferences") or pydyf.Dictionary()
    preferences["DisplayDocTitle"] = "true"
    pdf.catalog["ViewerPreferences"] = preferences
    distinct_subset_tags(pdf)
