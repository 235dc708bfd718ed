"""Renderers: the report as HTML, PDF (WeasyPrint, from the HTML) and DOCX (python-docx)."""
