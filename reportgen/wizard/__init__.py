"""The interactive wizard behind ``reportgen new`` and ``reportgen edit``.

:mod:`~reportgen.wizard.questions` generates the questions from a format definition and
parses the answers, :mod:`~reportgen.wizard.answers` keeps them and the draft, and
:mod:`~reportgen.wizard.prompts` talks to the terminal.  The steps each have a module —
:mod:`~reportgen.wizard.basics` (agency, year, date, last year's file),
:mod:`~reportgen.wizard.texts` (the free-text sections), :mod:`~reportgen.wizard.table_entry`
(the figures, with defaults from :mod:`~reportgen.wizard.carry_over`),
:mod:`~reportgen.wizard.balance` (the live balance) and :mod:`~reportgen.wizard.review`
(check, summary, save) — on the shared :mod:`~reportgen.wizard.state`;
:mod:`~reportgen.wizard.flow` puts them in order and runs a session.
"""
