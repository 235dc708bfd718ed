"""What a clerk types where a report file is expected: folders, drafts, Windows paths.

- A folder stands for the report files in it (``reportgen check 各部门/``).
- A wizard draft (``report.yaml.draft``) is JSON, which YAML happily reads as a mapping of
  unknown keys; it is named for what it is, with the command that continues it.
- ``C:\\Users\\…`` on Linux or WSL, or with its backslashes eaten by a Unix shell
  (``C:Users张三桌面2024.yaml``), gets a hint instead of a bare 文件不存在.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from reportgen.errors import InputError

REPORT_SUFFIXES = (".yaml", ".yml")
_DRIVE = re.compile(r"^[A-Za-z]:")


def report_files(folder: str | Path) -> list[str]:
    """The report files directly in ``folder``, sorted by name."""
    folder = Path(folder)
    files = sorted(
        p for p in folder.iterdir() if p.suffix.lower() in REPORT_SUFFIXES and p.is_file()
    )
    if not files:
        drafts = sorted(p.name for p in folder.glob("*.draft"))
        hint = (
            f"文件夹里只有向导的草稿（{'、'.join(drafts)}）；"
            f"接着填写：reportgen new --resume {folder / drafts[0]}"
            if drafts
            else "报告文件以 .yaml 结尾；用 reportgen new 或 reportgen init 生成。"
        )
        raise InputError("文件夹里没有报告文件（.yaml）", file=str(folder), hint=hint)
    return [str(p) for p in files]


def expand(names: tuple[str, ...] | list[str]) -> list[str | InputError]:
    """Each name, with a folder replaced by its report files (or the error saying it has none)."""
    out: list[str | InputError] = []
    for name in names:
        if os.path.isdir(name):
            try:
                out.extend(report_files(name))
            except InputError as exc:
                out.append(exc)
        else:
            out.append(name)
    return out


def windows_path_hint(name: str) -> str | None:
    """A hint for a Windows path that cannot be opened as written."""
    if not _DRIVE.match(name):
        return None
    if len(name) > 2 and name[2] not in "\\/":
        return (
            "路径里的反斜杠「\\」被命令行去掉了：把整个路径放在引号里，"
            '例如 "C:\\Users\\张三\\Desktop\\2024.yaml"，或者把「\\」改成「/」。'
        )
    if os.name != "nt":
        rest = name[2:].replace("\\", "/")
        return (
            "这是 Windows 的路径。在 Linux 或 WSL 里，C 盘在 /mnt/c 下，"
            f"例如 /mnt/{name[0].lower()}{rest}（路径放在引号里）。"
        )
    return None


def draft_error(text: str, name: str) -> InputError | None:
    """An error naming a wizard draft for what it is, with the command that continues it."""
    if not (name.endswith(".draft") or text.lstrip().startswith("{")):
        return None
    try:
        payload = json.loads(text)
    except ValueError:
        return None
    from reportgen.wizard.answers import DRAFT_KIND, DRAFT_SUFFIX

    if not isinstance(payload, dict) or payload.get("kind") != DRAFT_KIND:
        return None
    answered = sum(not str(k).startswith("@") for k in payload.get("answers") or {})
    target = payload.get("target") or Path(name).name.removesuffix(DRAFT_SUFFIX)
    target = str(Path(name).parent / target) if Path(name).parent != Path() else target
    if payload.get("mode") == "edit":
        hint = f"接着修改：reportgen edit {target}（会问是否接着这份草稿修改）"
    else:
        hint = f"接着填写：reportgen new --resume {name}；填完保存后再检查 {target}。"
    return InputError(
        f"这是向导中断时保存的草稿（已填写 {answered} 项），还不是报告文件",
        file=name,
        hint=hint,
    )
