"""Load WeasyPrint once, cheaply, and keep what it can reuse between documents.

Three costs around WeasyPrint are not typesetting and are removed here:

* **Library lookup.**  WeasyPrint opens Pango, HarfBuzz and fontconfig through cffi, trying
  several names each; for a bare name cffi asks :func:`ctypes.util.find_library`, which on
  Linux runs ``ldconfig -p`` and, for every name that is not in the cache, ``gcc`` and
  ``ld`` as well.  Loading WeasyPrint made about 22 such calls (16 misses, ~54 subprocesses,
  0.2–0.3 s of every cold PDF build).  While WeasyPrint is imported, lookups are answered
  from one read of the linker cache (then ``LD_LIBRARY_PATH``), which finds the same
  libraries.
* **Font configuration.**  A new :class:`weasyprint.text.fonts.FontConfiguration` per
  document makes Pango load every font face again; one per process is reused (the report
  pages declare no ``@font-face``, so the configuration never grows).
* **Font data.**  Every document copied each font it uses (a CJK collection is ~20 MB)
  out of HarfBuzz into Python to embed a subset of it: 25 ms and ~60 MB a document.  The
  documents now read the font data in place (see :func:`_share_font_data`).
* **Garbage collection.**  Layout allocates hundreds of thousands of short-lived objects
  and the cyclic collector ran repeatedly over WeasyPrint's own import-time objects.  Those
  are frozen once after import, the collector is paused while one document is typeset,
  and one collection runs after it, so a long-lived worker's memory stays flat.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import gc
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

_state: dict[str, object] = {}


def _linker_cache() -> str | None:
    """The output of ``ldconfig -p`` (None: no linker cache to ask)."""
    for exe in ("/sbin/ldconfig", "/usr/sbin/ldconfig"):
        try:
            out = subprocess.run(
                [exe, "-p"],
                capture_output=True,
                text=True,
                timeout=5,
                env={"LC_ALL": "C", "LANG": "C"},
                check=False,
            ).stdout
        except (OSError, subprocess.SubprocessError):
            continue
        if out:
            return out
    return None


def _abi_type() -> str:
    """The ABI tag ``ldconfig -p`` prints for this interpreter's libraries (as CPython)."""
    import struct

    machine = os.uname().machine + ("-32" if struct.calcsize("l") == 4 else "-64")
    return {
        "x86_64-64": "libc6,x86-64",
        "ppc64-64": "libc6,64bit",
        "sparc64-64": "libc6,64bit",
        "s390x-64": "libc6,64bit",
        "ia64-64": "libc6,IA-64",
    }.get(machine, "libc6")


def _fast_find_library(cache: str):
    """``find_library`` answered from the linker cache exactly as CPython's first step is.

    CPython's own lookup searches the same ``ldconfig -p`` text with this expression; a
    name it does not find there is looked for in ``LD_LIBRARY_PATH`` (CPython's last
    step) instead of by compiling and linking a test program.
    """
    found: dict[str, str | None] = {}
    abi = _abi_type()

    def find_library(name: str) -> str | None:
        if name not in found:
            hit = re.search(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({re.escape(abi)}", cache)
            found[name] = hit.group(1) if hit else _search_ld_library_path(name)
        return found[name]

    return find_library


def _search_ld_library_path(name: str) -> str | None:
    for folder in filter(None, os.environ.get("LD_LIBRARY_PATH", "").split(os.pathsep)):
        with contextlib.suppress(OSError):
            for entry in sorted(os.listdir(folder)):
                if re.fullmatch(rf"lib{re.escape(name)}\.so(\.\d+)*", entry):
                    return str(Path(folder) / entry)
    return None


@contextlib.contextmanager
def _quick_library_lookup() -> Iterator[None]:
    original = ctypes.util.find_library
    cache = _linker_cache() if sys.platform.startswith("linux") else None
    if cache is not None:
        ctypes.util.find_library = _fast_find_library(cache)
    try:
        yield
    finally:
        ctypes.util.find_library = original


def load():
    """Import WeasyPrint (once per process) and return the module."""
    if "weasyprint" in sys.modules:
        return sys.modules["weasyprint"]
    import logging

    with _quick_library_lookup():
        import weasyprint
    _share_font_data()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    # WeasyPrint's import-time objects live as long as the process: keep them out of
    # every later collection.
    gc.collect()
    gc.freeze()
    return weasyprint


def _share_font_data() -> None:
    """Let every document read the fonts' data in place (see above); WeasyPrint 70's ``Font``.

    ``Font.file_content`` becomes a read-only view of the face's HarfBuzz blob (the font
    file as fontconfig mapped it) instead of a fresh 20 MB copy per font and document; it
    is only read, to subset it, and the subset that is embedded is a new ``bytes``.
    """
    from weasyprint.pdf import fonts
    from weasyprint.text.ffi import ffi, harfbuzz

    if getattr(fonts.Font.__init__, "reportgen", False):
        return
    original_init = fonts.Font.__init__
    original_data = fonts.get_hb_object_data
    shared: dict[int, tuple[object, object, object]] = {}

    def face_data(hb_object, ot_color=None, glyph=None):
        if ot_color is not None or glyph is not None:
            return original_data(hb_object, ot_color, glyph)
        address = int(ffi.cast("uintptr_t", hb_object))
        if address not in shared:
            blob = ffi.gc(harfbuzz.hb_face_reference_blob(hb_object), harfbuzz.hb_blob_destroy)
            length = ffi.new("unsigned int *")
            data = harfbuzz.hb_blob_get_data(blob, length)
            if data == ffi.NULL:
                return None
            # the face and blob held here stay alive, so the view stays valid and the
            # face's address is never reused for another face
            shared[address] = (hb_object, blob, ffi.buffer(data, int(length[0])))
        return shared[address][2]

    def init(self, pango_font, description, font_size):
        fonts.get_hb_object_data = face_data
        try:
            original_init(self, pango_font, description, font_size)
        finally:
            fonts.get_hb_object_data = original_data

    init.reportgen = True
    fonts.Font.__init__ = init


def font_config():
    """This process's font configuration (a forked worker makes its own)."""
    pid = os.getpid()
    if _state.get("pid") != pid:
        load()
        from weasyprint.text.fonts import FontConfiguration

        _state.update(pid=pid, font_config=FontConfiguration())
    return _state["font_config"]


@contextlib.contextmanager
def typesetting() -> Iterator[None]:
    """Pause the cyclic collector for one document, then collect what it left."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.collect()
