"""``reportgen serve``: fill in the report in a browser, in the official tables themselves.

:mod:`~reportgen.serve.files` keeps every read and write inside the served folder,
:mod:`~reportgen.serve.editing` holds one report being edited (the wizard's answers and
draft, checked by the validator), :mod:`~reportgen.serve.form` turns the format definition
into the form, :mod:`~reportgen.serve.guard` is the security layer (host, token, CSRF,
size limits, headers) and :mod:`~reportgen.serve.app` the Starlette application.
"""
