"""The terminal layer: questionary prompts and printed output.

Everything the wizard asks goes through :class:`Prompter`, which builds a questionary
question and runs it with ``unsafe_ask`` so that Ctrl-C reaches the wizard (which saves the
draft) instead of being swallowed.  Tests subclass it and override :meth:`Prompter.run` to
feed each real prompt from a prompt_toolkit pipe.  questionary and prompt_toolkit are
imported here only, when the wizard runs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
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


def _line_bindings():
    """A row pasted from a spreadsheet (tabs, a trailing newline) shows as numbers separated
    by spaces, and Tab typed between numbers works as a separator too."""
    from prompt_toolkit.key_binding import KeyBindings
    from prompt_toolkit.keys import Keys

    bindings = KeyBindings()

    @bindings.add("c-i")
    def _(event) -> None:
        event.current_buffer.insert_text(" ")

    @bindings.add(Keys.BracketedPaste)
    def _(event) -> None:
        event.current_buffer.insert_text(" ".join(event.data.split()))

    return bindings


class Prompter:
    """Ask questions in the terminal and print what the wizard has to say."""

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
    ) -> str:
        import questionary

        extra: dict[str, Any] = {}
        if line:
            extra["key_bindings"] = _line_bindings()
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
        """Open the user's ``$EDITOR`` on ``text``; None when it was closed without saving."""
        import click

        return click.edit(text, extension=".txt", require_save=True)

    @staticmethod
    def editor_name() -> str:
        return os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"

    # ---------------------------------------------------------------- output

    def console(self):
        from rich.console import Console

        return Console(file=sys.stdout, highlight=False, soft_wrap=True)

    def say(self, text: str = "", style: str | None = None) -> None:
        from rich.markup import escape

        self.console().print(escape(text), style=style)

    def show(self, renderable: Any) -> None:
        self.console().print(renderable)
