"""Build the compiled message catalogue (.mo) from the translations reportgen ships (.po).

The Chinese messages of the command line live in a plain-text ``.po`` file that people edit
and review; Python's :mod:`gettext` reads only the compiled ``.mo`` form.  This module
turns one into the other without the GNU gettext tools, so the compiled file can be rebuilt
on any machine and a test can check that the shipped ``.mo`` matches its ``.po``::

    python -m reportgen.catalogue        # rebuild reportgen/locale/*/LC_MESSAGES/*.mo

The output is deterministic (entries sorted, as ``msgfmt`` does): same ``.po``, same bytes.
"""

from __future__ import annotations

import ast
import struct
import sys
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"


def read_po(text: str) -> dict[str, str]:
    """The entries of a ``.po`` file as the ``.mo`` stores them.

    Plural entries are keyed ``msgid\\0msgid_plural`` with their forms joined by ``\\0``;
    entries without a translation are left out (gettext then shows the original).
    """
    entries: dict[str, str] = {}
    fields: dict[str, str] = {}
    current: str | None = None

    def flush() -> None:
        if "msgid" in fields:
            key = fields["msgid"]
            if "msgid_plural" in fields:
                key += "\0" + fields["msgid_plural"]
                forms = [fields[k] for k in sorted(fields) if k.startswith("msgstr[")]
                value = "\0".join(forms)
            else:
                value = fields.get("msgstr", "")
            if value.strip("\0") or not key:
                entries[key] = value
        fields.clear()

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            if not line and fields:
                flush()
                current = None
            continue
        if line.startswith('"'):
            if current is None:
                raise ValueError(f"line {number}: a string outside an entry")
            fields[current] += _string(line, number)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword == "msgid" and "msgid" in fields:
            flush()
        if keyword not in ("msgid", "msgid_plural", "msgstr") and not keyword.startswith("msgstr["):
            raise ValueError(f"line {number}: unknown keyword {keyword!r}")
        current = keyword
        fields[current] = _string(rest.strip(), number)
    flush()
    return entries


def _string(token: str, number: int) -> str:
    if not (token.startswith('"') and token.endswith('"') and len(token) >= 2):
        raise ValueError(f"line {number}: expected a quoted string, got {token!r}")
    return ast.literal_eval(token)


def write_mo(entries: dict[str, str]) -> bytes:
    """The GNU ``.mo`` encoding of ``entries`` (little-endian, no hash table)."""
    keys = sorted(entries)
    ids = [k.encode("utf-8") for k in keys]
    strs = [entries[k].encode("utf-8") for k in keys]
    count = len(keys)
    header_size = 7 * 4
    ids_table = header_size
    strs_table = ids_table + count * 8
    data_start = strs_table + count * 8
    offsets: list[tuple[int, int]] = []
    data = b""
    for blob in ids + strs:
        offsets.append((len(blob), data_start + len(data)))
        data += blob + b"\0"
    out = struct.pack("<7I", 0x950412DE, 0, count, ids_table, strs_table, 0, data_start)
    for length, offset in offsets:
        out += struct.pack("<2I", length, offset)
    return out + data


def po_files() -> list[Path]:
    return sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po"))


def compile_all() -> list[Path]:
    """Rebuild every ``.mo`` next to its ``.po``; returns the files written."""
    from reportgen.atomic import atomic_write_bytes

    written = []
    for po in po_files():
        mo = po.with_suffix(".mo")
        atomic_write_bytes(mo, write_mo(read_po(po.read_text(encoding="utf-8"))))
        written.append(mo)
    return written


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    for path in compile_all():
        sys.stdout.write(f"{path}\n")
