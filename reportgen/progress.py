"""The progress bar that ``build``, ``import`` and ``audit`` show on a terminal.

One definition so the three commands look alike: on a terminal, a transient rich bar on
stderr (the results themselves are printed above it); in pipes and logs, no bar at all,
only the commands' own lines.
"""

from __future__ import annotations

import sys


def progress_bar(label: str | None = None):
    """A rich ``Progress`` on stderr when it is a terminal, else None.

    ``label`` is printed before the bar (生成, 导入); without it each task's description
    is, for commands that run several passes.
    """
    if not sys.stderr.isatty():
        return None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    task = TextColumn("{task.description}")
    if label is None:
        columns = [task, BarColumn(), MofNCompleteColumn()]
    else:
        columns = [TextColumn(label), BarColumn(), MofNCompleteColumn(), task]
    return Progress(*columns, console=Console(stderr=True), transient=True)
