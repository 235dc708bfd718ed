"""Tables 二、三、四 as Excel workbooks, and workbooks read back into report files.

:mod:`.layout` places each table of the format definition on a sheet grid (the same merged
header the printed form has), :mod:`.workbook` writes it with openpyxl — a filled report for
``reportgen export --to xlsx`` or a blank form for ``reportgen init --xlsx`` — and
:mod:`.reader` finds the official labels in any workbook and reads the numbers under them,
naming every bad cell by its reference (``表三!C12``).  openpyxl is imported only here.
"""

#: File names read as workbooks (by ``import`` and ``--previous``).
XLSX_SUFFIXES = (".xlsx", ".xlsm")
