"""The terminal layer: questionary prompts and printed output.

Everything the wizard asks goes through :class:`Prompter`, which builds a questionary
question and runs it with ``unsafe_ask`` so that Ctrl-C reaches the wizard (which saves the
draft) instead of being swallowed.  Tests subclass it and override :meth:`Prompter.run` to
feed each real prompt from a prompt_toolkit pipe.  questionary and prompt_toolkit are
imported here only, when the wizard runs.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Sequence
from typing import Any

#: The key sequence that ends a multi-line answer, as shown to users.
MULTILINE_DONE = "按 Esc 再按 Enter 结束"


def _validator(check: Callable[[str], str | None] | None):
    """Adapt ``check(text) -> message or None`` to questionary's ``validate``."""
    if check is None:
        return None

    def validate(text: str) -> bool | str:
        message = check(text)
        return True if message is None else message

    return validate


def _line_bindings(pending: list[str] | None = None):
    """A row pasted from a spreadsheet (tabs, a trailing newline) shows as numbers separated
    by spaces, and Tab typed between numbers works as a separator too.

    Several rows pasted at once (a block copied from Excel) fill this row with the first
    line and keep the others in ``pending``, for the rows that follow; the answer is then
    entered at once, as if Enter had been pressed.
    """
    from prompt_toolkit.key_binding import KeyBindings
    from prompt_toolkit.keys import Keys

    bindings = KeyBindings()

    @bindings.add("c-i")
    def _(event) -> None:
        event.current_buffer.insert_text(" ")

    @bindings.add(Keys.BracketedPaste)
    def _(event) -> None:
        # terminals deliver the line breaks of a paste as CR, Excel copies CR LF
        lines = event.data.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        rows = [line for line in lines if line.strip()]
        if pending is not None and len(rows) > 1:
            buffer = event.current_buffer
            buffer.text = " ".join(rows[0].split())
            pending[:] = rows[1:]
            buffer.validate_and_handle()
            return
        event.current_buffer.insert_text(" ".join(event.data.split()))

    return bindings


class Figure:
    """A table figure the text may cite: the placeholder, its Chinese name, its value."""

    def __init__(self, placeholder: str, name: str, value: str = "") -> None:
        self.placeholder = placeholder
        self.name = name
        self.value = value


def _figure_completer(figures: Sequence[Figure]):
    """Typing ``{{`` lists the figures by their Chinese names; more text filters them
    (``{{新收`` shows the rows of 一、本年新收), and choosing one inserts its placeholder."""
    from prompt_toolkit.completion import Completer, Completion

    class FigureCompleter(Completer):
        def get_completions(self, document, complete_event):
            before = document.text_before_cursor
            start = before.rfind("{{")
            if start < 0 or "}}" in before[start:]:
                return
            query = before[start + 2 :].split()
            for figure in figures:
                haystack = figure.name + figure.placeholder
                if all(word in haystack for word in query):
                    yield Completion(
                        figure.placeholder,
                        start_position=start - len(before),
                        display=figure.name,
                        display_meta=figure.value,
                    )

    return FigureCompleter()


def _pick_binding(completer):
    """Tab takes the figure highlighted in the list (↑↓ move), or the first one listed."""
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.key_binding import KeyBindings

    bindings = KeyBindings()

    @bindings.add("c-i")
    def _(event) -> None:
        buffer = event.current_buffer
        state = buffer.complete_state
        if state is not None and state.current_completion is not None:
            buffer.apply_completion(state.current_completion)
            return
        event_info = CompleteEvent(completion_requested=True)
        first = next(iter(completer.get_completions(buffer.document, event_info)), None)
        if first is not None:
            buffer.cancel_completion()
            buffer.apply_completion(first)

    return bindings


class Prompter:
    """Ask questions in the terminal and print what the wizard has to say."""

    #: rows pasted beyond the one asked, for the questions that follow (see _line_bindings)
    pasted_rows: list[str]

    def __new__(cls, *args: Any, **kwargs: Any) -> Prompter:
        self = super().__new__(cls)
        self.pasted_rows = []
        return self

    def run(self, build: Callable[..., Any], message: str) -> Any:
        """Build a questionary question (``build(**io)``) and ask it; Ctrl-C propagates."""
        return build().unsafe_ask()

    # ---------------------------------------------------------------- questions

    def text(
        self,
        message: str,
        *,
        default: str = "",
        check: Callable[[str], str | None] | None = None,
        instruction: str | None = None,
        multiline: bool = False,
        line: bool = False,
        figures: Sequence[Figure] = (),
    ) -> str:
        import questionary

        extra: dict[str, Any] = {}
        if line:
            extra["key_bindings"] = _line_bindings(self.pasted_rows)
        if figures:
            completer = _figure_completer(figures)
            extra["completer"] = completer
            extra["key_bindings"] = _pick_binding(completer)
            # a half-typed {{ while choosing a figure is not an error yet
            extra["validate_while_typing"] = False
        return self.run(
            lambda **io: questionary.text(
                message,
                default=default,
                validate=_validator(check),
                instruction=instruction,
                multiline=multiline,
                **extra,
                **io,
            ),
            message,
        )

    def select(self, message: str, choices: list[tuple[str, Any]], default: Any = None) -> Any:
        """Pick one of ``choices`` (title, value); returns the value."""
        import questionary

        options = [questionary.Choice(title, value=str(i)) for i, (title, _) in enumerate(choices)]
        start = next((str(i) for i, (_, v) in enumerate(choices) if v == default), None)
        picked = self.run(
            lambda **io: questionary.select(
                message,
                choices=options,
                default=start,
                instruction="（↑↓ 选择，Enter 确认）",
                **io,
            ),
            message,
        )
        return choices[int(picked)][1]

    def confirm(self, message: str, default: bool = True) -> bool:
        import questionary

        return bool(
            self.run(
                lambda **io: questionary.confirm(
                    message, default=default, instruction="（y/n）", **io
                ),
                message,
            )
        )

    def edit(self, text: str) -> str | None:
        """Open the editor on ``text``; None when it was closed without saving."""
        import click

        return click.edit(text, editor=self.editor_name(), extension=".txt", require_save=True)

    @staticmethod
    def editor_name() -> str | None:
        """The editor the user chose ($VISUAL, $EDITOR), else nano when installed, else None.

        Never vi or Debian's ``select-editor``: a clerk who lands in either cannot get out.
        """
        for variable in ("VISUAL", "EDITOR"):
            if os.environ.get(variable, "").strip():
                return os.environ[variable].strip()
        return "nano" if shutil.which("nano") else None

    # ---------------------------------------------------------------- output

    def console(self):
        from rich.console import Console

        return Console(file=sys.stdout, highlight=False, soft_wrap=True)

    def say(self, text: str = "", style: str | None = None) -> None:
        from rich.markup import escape

        self.console().print(escape(text), style=style)

    def show(self, renderable: Any) -> None:
        self.console().print(renderable)
