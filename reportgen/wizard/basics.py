"""Step one: who reports for which year, and last year's report to start from.

Last year's file prefills the agency and the year, and later the carried-over figures.  The
year decides the format (表二 to 表四 changed in 2021), so it is checked against the formats
the definitions offer and may not switch format once table answers have been given.
"""

from __future__ import annotations

import datetime as dt
import os

from reportgen.definition import format_for_year, formats
from reportgen.errors import ReportgenError
from reportgen.model import TOP_LEVEL
from reportgen.report import Report
from reportgen.wizard.answers import fillable_keys
from reportgen.wizard.questions import checker, parse_date
from reportgen.wizard.state import WizardState


class BasicFacts(WizardState):
    def ask_previous(self) -> None:
        if "@previous" in self.store:
            return
        if not self.ui.confirm("导入上一年度的报告文件吗？（预填机关名称、上年结转等）", False):
            self.store.set("@previous", "")
            return
        loaded: dict[str, Report] = {}

        def check(text: str) -> str | None:
            from reportgen.validate import ValidationFailed, load_previous

            path = text.strip()
            if not path:
                return "请输入上年报告文件的路径"
            try:
                loaded["report"] = load_previous(path)
            except ValidationFailed as exc:
                first = next((p for p in exc.problems if p.is_error), None)
                return f"上年报告有错误，无法使用：{first.format() if first else exc}"
            except ReportgenError as exc:
                return exc.message
            return None

        path = self.ui.text("上年报告文件：", check=check)
        self.previous = loaded["report"]
        self.store.previous = os.path.abspath(path.strip())
        self.store.set("@previous", self.store.previous)
        self.ui.say(f"已读入上年报告：{self.previous.title}")

    def ask_meta(self, only_missing: bool) -> None:
        prev = self.previous
        if not only_missing or "agency" not in self.store:
            default = self.store.get("agency") or (prev.agency if prev else "")
            agency = self.ui.text(
                f"{TOP_LEVEL['agency']}：", default=default, check=_check_agency
            ).strip()
            self.store.set("agency", agency)
        if not only_missing or "year" not in self.store:
            fallback = prev.year + 1 if prev else dt.date.today().year - 1
            default = str(self.store.get("year") or fallback)
            year = int(
                self.ui.text(f"{TOP_LEVEL['year']}：", default=default, check=self._check_year)
            )
            self.store.set("year", year)
            fmt = self.fmt
            self.ui.say(f"{year} 年度报告使用 {fmt.name}（{fmt.basis}）。", style="cyan")
        if not only_missing or "published" not in self.store:
            text = self.ui.text(
                f"{TOP_LEVEL['published']}（落款日期，可空着以后再填）：",
                default=self.store.get("published") or "",
                check=checker(parse_date),
            )
            date = parse_date(text)
            self.store.set("published", date.isoformat() if date else None)

    def _check_year(self, text: str) -> str | None:
        try:
            year = int(text.strip())
        except ValueError:
            return "请输入四位数的年份，如 2024"
        latest = dt.date.today().year
        if year > latest:
            # the box starts with a suggested year; typing after it gives e.g. 20252025
            return f"年度应为四位数，且不晚于今年（{latest}）；请删去多余的数字后重新输入"
        fmt = format_for_year(year)
        if fmt is None:
            supported = "、".join(f"{f.name}（{f.first_year}年起）" for f in formats().values())
            return f"不支持 {year} 年的报告；支持：{supported}"
        current = self.store.get("year")
        old = format_for_year(current) if isinstance(current, int) else None
        filled = old is not None and any(k in self.store for k in fillable_keys(old))
        if filled and old is not fmt:
            return f"{year} 年使用{fmt.name}，与已填的表格格式不同；请用 reportgen new 另建一份报告"
        return None


def _check_agency(text: str) -> str | None:
    name = text.strip()
    if not name:
        return "请输入机关名称，如：某某市某某局"
    if len(name) > 100:
        return "机关名称过长（不超过 100 个字）"
    return None
