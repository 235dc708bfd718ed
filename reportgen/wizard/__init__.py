"""The interactive wizard behind ``reportgen new`` and ``reportgen edit``.

:mod:`~reportgen.wizard.questions` generates the questions from a format definition,
:mod:`~reportgen.wizard.answers` keeps the answers and the draft, :mod:`~reportgen.wizard.prompts`
talks to the terminal and :mod:`~reportgen.wizard.flow` puts them in order.
"""
