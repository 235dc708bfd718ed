"""Generated member reports for the audit and aggregate tests and the audit benchmark.

Each report is built from the format definition (no label typed here) with random but
balanced figures: in every column of table 三, 一 + 二 = （七）总计 + 四, table 四's totals
are left to be computed, table 二 keeps 现行有效 ≥ 本年制发.  ``mutate`` then breaks one
thing on purpose, so a test knows exactly what the audit must find.
"""

from __future__ import annotations

import random
from typing import Any

from reportgen.definition import Format, format_for_year

#: Texts of sections 一 and 五 for even and odd years: nothing repeated from year to year.
OVERVIEW = (
    "{year}年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》，"
    "全年新收政府信息公开申请{{{{ applications.new_received.total }}}}件。\n"
    "（一）主动公开\n按时公开各类政府信息，做到应公开尽公开。",
    "{year}年，我局坚持以公开为常态、不公开为例外，"
    "共受理依申请公开{{{{ applications.new_received.total }}}}件，均在法定期限内答复。\n"
    "（一）主动公开\n围绕重点领域发布政策文件和解读材料，及时回应社会关切。",
)
PROBLEMS = (
    "一是信息公开的及时性有待提高，个别栏目更新不够及时；二是政策解读形式较为单一。"
    "下一步，我们将加强栏目日常维护，丰富解读形式，提升公开质量。",
    "工作中仍存在基层业务人员培训不足、网站专栏内容偏少等问题。今后将定期组织业务培训，"
    "充实专栏内容，并建立更新台账，确保各项要求落到实处。",
)


def member_data(fmt: Format, agency: str, year: int, rng: random.Random) -> dict[str, Any]:
    """Report-file data of one balanced report."""
    table = fmt.tables["applications"]
    block = table.blocks[0]
    columns = [c for c in block.column_leaves if not c.sum_of]
    results = [leaf for leaf in table.find_ref("results").leaves() if not leaf.sum_of]
    apps: dict[str, Any] = {}

    def put(row, values):
        node = apps
        for part in row.path[:-1]:
            node = node.setdefault(part, {})
        node[row.path[-1]] = values

    per_column = {c.key: 0 for c in columns}
    for row in results:
        values = {}
        for c in columns:
            n = rng.choice((0, 0, 0, rng.randint(0, 4), rng.randint(0, 30)))
            if c.key != columns[0].key:
                n //= 5
            values[c.key] = n
            per_column[c.key] += n
        put(row, values)
    forward = {c.key: rng.randint(0, 3) for c in columns}
    carried = {c.key: rng.randint(0, per_column[c.key] + forward[c.key]) for c in columns}
    carried = {k: min(v, 5) for k, v in carried.items()}
    new = {k: per_column[k] + forward[k] - carried[k] for k in per_column}
    for key, values in (("new_received", new), ("carried_over", carried)):
        put(table.block_of_row(key)[1], values)
    put(table.block_of_row("carried_forward")[1], forward)

    appeals: dict[str, Any] = {}
    for group in (n for root in fmt.tables["appeals"].blocks[0].columns for n in root.walk()):
        if group.key and group.children:
            appeals[group.key] = {
                leaf.key: rng.choice((0, 0, rng.randint(0, 3)))
                for leaf in group.children
                if not leaf.sum_of
            }
    proactive: dict[str, Any] = {}
    for path in fmt.tables["proactive"].cells:
        node = proactive
        for part in path.split(".")[1:-1]:
            node = node.setdefault(part, {})
        node[path.split(".")[-1]] = 0
    docs = proactive.get("normative_docs", {})
    if "issued" in docs:
        docs["issued"] = rng.randint(0, 10)
        docs["in_force"] = docs["issued"] + rng.randint(0, 40)
    return {
        "year": year,
        "agency": agency,
        "sections": {
            "overview": OVERVIEW[year % 2].format(year=year),
            "problems": PROBLEMS[year % 2],
            "other_matters": "本年度未收取信息处理费。",
        },
        "proactive": proactive,
        "applications": apps,
        "appeals": appeals,
    }


def following_year(before: dict[str, Any], year: int, seed: int) -> dict[str, Any]:
    """A report for ``year`` that continues ``before`` (last year's data): 上年结转 is last
    year's 结转下年度, 现行有效 follows from last year's, so no cross-year rule fires."""
    fmt = format_for_year(year)
    data = member_data(fmt, before["agency"], year, random.Random(seed))
    apps = data["applications"]
    carried = dict(before["applications"]["carried_forward"])
    results = {k: 0 for k in carried}
    for leaf in fmt.tables["applications"].find_ref("results").leaves():
        if leaf.sum_of:
            continue
        node = apps
        for part in leaf.path:
            node = node[part]
        for k in results:
            results[k] += node[k]
    forward = apps["carried_forward"]
    for k in carried:
        forward[k] = max(forward[k], carried[k] - results[k])
    apps["carried_over"] = carried
    apps["new_received"] = {k: results[k] + forward[k] - carried[k] for k in carried}
    docs, old = data["proactive"].get("normative_docs", {}), before["proactive"]["normative_docs"]
    if "in_force" in docs and "in_force" in old:
        docs["in_force"] = old["in_force"] + docs["issued"] - docs["repealed"]
    return data
