"""`coverage`: which provinces and data years the database holds a DTI rank and score for.

One row per province and year, for the 63 provinces of the rankings up to DTI 2024 and the 34 of
the rankings from DTI 2024 (published both ways): the rank and the score most documents state,
from how many documents and sources (outlets), whether an imported official table
(`import-reference`) covers it, and a status — complete, rank only, score only, missing, or not
ranked (no ranking of that size that year). Gaps come first.

A rank belongs to the ranking its stated size names (14/34, 38/63). A rank without a size, and a
score, belong to the ranking of their year; DTI 2024 had both, so there they count for a province
in each ranking it appears in under that name. The report is one SQL query (COVERAGE_SQL), which
is also the `dti_coverage` canned query of `serve`.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Optional

from pipeline.errors import UsageError
from pipeline.textnorm import fold

SCOPES = (63, 34)
LAST_YEAR_OF_63 = 2024    # DTI 2024 (published 2025) was the last ranking of the 63 provinces
FIRST_YEAR_OF_34 = 2024   # and the first of the 34, computed from their predecessors
STATUSES = ("missing", "score only", "rank only", "complete", "not ranked")   # gaps first
DEFAULT_FROM = 2020       # the first DTI

_IN_RANKING = f"""((u.scope = 63 AND {{year}} <= {LAST_YEAR_OF_63}) OR (u.scope = 34 AND {{year}} >= {FIRST_YEAR_OF_34}))"""


def _belongs(alias: str) -> str:
    """A rank with a stated size belongs to that ranking; anything else to its year's ranking(s)."""
    return (f"CASE WHEN {alias}.kind = 'rank' AND {alias}.total IS NOT NULL "
            f"THEN CAST({alias}.total AS INTEGER) = u.scope ELSE {_IN_RANKING.format(year=alias + '.year')} END")


COVERAGE_SQL = f"""WITH RECURSIVE
params AS (
  SELECT coalesce(nullif(trim(:metric), ''), 'dti') AS metric,
         coalesce(CAST(nullif(trim(:from_year), '') AS INTEGER), {DEFAULT_FROM}) AS y0,
         CAST(nullif(trim(:to_year), '') AS INTEGER) AS y1
),
span AS (
  SELECT p.metric, p.y0, max(p.y0, coalesce(p.y1,
    (SELECT max(f.year) FROM facts f WHERE f.metric = p.metric AND f.kind IN ('rank', 'score')
       AND f.subject_type = 'province' AND f.is_target = 0),
    (SELECT max(r.year) FROM reference_facts r WHERE r.metric = p.metric AND r.subject_type = 'province'),
    p.y0)) AS y1
  FROM params p
),
years(year) AS (SELECT y0 FROM span UNION ALL SELECT year + 1 FROM years, span WHERE year < span.y1),
units AS (
  SELECT 63 AS scope, name AS province, code AS code_2004, name_2025 AS province_2025
  FROM subjects WHERE type = 'province' AND code IS NOT NULL
  UNION
  SELECT 34, name_2025, NULL, name_2025 FROM subjects WHERE type = 'province' AND code IS NOT NULL
),
figures AS (
  SELECT u.scope, u.province, f.year, f.kind, f.document_id,
    CASE WHEN f.kind = 'score'
         THEN round(f.value / coalesce(f.scale, CASE WHEN f.value <= 1 THEN 1 ELSE 1000 END), 4)
         ELSE f.value END AS value,
    coalesce(nullif(d.outlet, ''), d.source, d.url) AS outlet
  FROM span
  JOIN facts f ON f.metric = span.metric AND f.year BETWEEN span.y0 AND span.y1
  JOIN units u ON u.province = f.subject
  JOIN documents d ON d.id = f.document_id
  WHERE f.subject_type = 'province' AND f.is_target = 0 AND f.kind IN ('rank', 'score') AND {_belongs('f')}
),
counts AS (
  SELECT scope, province, year,
    count(DISTINCT CASE WHEN kind = 'rank' THEN document_id END) AS rank_documents,
    count(DISTINCT CASE WHEN kind = 'score' THEN document_id END) AS score_documents,
    count(DISTINCT document_id) AS documents, count(DISTINCT outlet) AS sources
  FROM figures GROUP BY scope, province, year
),
answers AS (
  SELECT scope, province, year, kind, value,
    row_number() OVER (PARTITION BY scope, province, year, kind ORDER BY count(DISTINCT document_id) DESC,
                       CASE WHEN kind = 'rank' THEN value ELSE -value END) AS pick,
    count(*) OVER (PARTITION BY scope, province, year, kind) AS n_values
  FROM figures GROUP BY scope, province, year, kind, value
),
official AS (
  SELECT DISTINCT u.scope, u.province, r.year
  FROM span
  JOIN reference_facts r ON r.metric = span.metric AND r.year BETWEEN span.y0 AND span.y1
  JOIN units u ON u.province = r.subject
  WHERE r.subject_type = 'province' AND r.kind IN ('rank', 'score') AND {_belongs('r')}
),
cells AS (
  SELECT u.scope, u.province, u.code_2004, u.province_2025, y.year,
    {_IN_RANKING.format(year='y.year')} AS ranked,
    rk.value AS rank, coalesce(c.rank_documents, 0) AS rank_documents, coalesce(rk.n_values, 0) AS rank_values,
    sc.value AS score, coalesce(c.score_documents, 0) AS score_documents, coalesce(sc.n_values, 0) AS score_values,
    coalesce(c.documents, 0) AS documents, coalesce(c.sources, 0) AS sources,
    o.year IS NOT NULL AS official
  FROM units u CROSS JOIN years y
  LEFT JOIN counts c ON c.scope = u.scope AND c.province = u.province AND c.year = y.year
  LEFT JOIN answers rk ON rk.scope = u.scope AND rk.province = u.province AND rk.year = y.year
    AND rk.kind = 'rank' AND rk.pick = 1
  LEFT JOIN answers sc ON sc.scope = u.scope AND sc.province = u.province AND sc.year = y.year
    AND sc.kind = 'score' AND sc.pick = 1
  LEFT JOIN official o ON o.scope = u.scope AND o.province = u.province AND o.year = y.year
)
SELECT scope, province, code_2004, province_2025, year, ranked,
  CASE WHEN NOT ranked THEN 'not ranked'
       WHEN rank IS NOT NULL AND score IS NOT NULL THEN 'complete'
       WHEN rank IS NOT NULL THEN 'rank only'
       WHEN score IS NOT NULL THEN 'score only'
       ELSE 'missing' END AS status,
  CASE WHEN rank = CAST(rank AS INTEGER) THEN CAST(rank AS INTEGER) ELSE rank END AS rank,
  rank_documents, rank_values, score, score_documents, score_values, documents, sources, official
FROM cells
ORDER BY CASE status {" ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(STATUSES))} END,
  scope DESC, province, year"""


@dataclass
class Cell:
    scope: int                  # 63: the rankings up to DTI 2024; 34: from DTI 2024
    province: str
    code_2004: Optional[str]
    province_2025: str
    year: int
    ranked: bool                # a ranking of this size exists for the year
    status: str
    rank: Optional[float]       # the rank most documents state
    rank_documents: int
    rank_values: int            # different ranks stated (more than 1: sources disagree)
    score: Optional[float]      # the score most documents state, on the 0–1 scale
    score_documents: int
    score_values: int
    documents: int              # documents stating the rank or the score
    sources: int                # outlets among them
    official: bool              # an imported official table has the rank or score

    @property
    def gap(self) -> bool:
        return self.ranked and self.status != "complete"


@dataclass
class Coverage:
    metric: str
    from_year: int
    to_year: int
    cells: list[Cell]

    def years(self) -> list[int]:
        return list(range(self.from_year, self.to_year + 1))

    def scope_years(self, scope: int) -> list[int]:
        """The years that had a ranking of this size."""
        return sorted({c.year for c in self.scope(scope) if c.ranked})

    def scope(self, scope: int) -> list[Cell]:
        return [c for c in self.cells if c.scope == scope]

    def counts(self, scope: int) -> dict[str, int]:
        cells = self.scope(scope)
        return {s: sum(c.status == s for c in cells) for s in STATUSES} | {"official": sum(c.official for c in cells)}


def coverage(db, metric: str = "dti", from_year: int = DEFAULT_FROM, to_year: Optional[int] = None,
             scopes: tuple[int, ...] = SCOPES) -> Coverage:
    if not db.execute("SELECT 1 FROM metrics WHERE id = ?", [metric]).fetchone():
        known = [r[0] for r in db.execute("SELECT id FROM metrics WHERE vocabulary = 1 ORDER BY id")]
        raise UsageError(f"unknown metric {metric!r}; choose from {', '.join(known)}")
    if to_year is not None and to_year < from_year:
        raise UsageError(f"--to {to_year} is before --from {from_year}; swap them")
    cur = db.execute(COVERAGE_SQL, {"metric": metric, "from_year": str(from_year),
                                    "to_year": "" if to_year is None else str(to_year)})
    names = [d[0] for d in cur.description]
    cells = []
    for row in cur.fetchall():
        r = dict(zip(names, row))
        if r["scope"] not in scopes:
            continue
        r["ranked"], r["official"] = bool(r["ranked"]), bool(r["official"])
        cells.append(Cell(**r))
    years = [c.year for c in cells]
    return Coverage(metric, from_year, max(years) if years else (to_year or from_year), cells)


# -- rendering ----------------------------------------------------------------------------------

SYMBOLS = {"complete": "●", "rank only": "R", "score only": "S", "missing": "·", "not ranked": ""}
SCOPE_TITLES = {63: "63 provinces (rankings up to DTI 2024)", 34: "34 provinces (rankings from DTI 2024)"}
PANEL_TITLES = {63: "63 provinces, to DTI 2024", 34: "34 provinces, from DTI 2024"}


def _ordered(cov: Coverage, scope: int) -> list[tuple[str, dict[int, Cell]]]:
    """Provinces of one ranking, those with the most gaps first."""
    rows: dict[str, dict[int, Cell]] = {}
    for c in cov.scope(scope):
        rows.setdefault(c.province, {})[c.year] = c
    return sorted(rows.items(), key=lambda kv: (-sum(c.gap for c in kv[1].values()), fold(kv[0])))


def render_table(cov: Coverage) -> str:
    lines = [f"Coverage of {cov.metric}, data years {cov.from_year}–{cov.to_year}: "
             "● rank and score, R rank only, S score only, · missing (blank: no ranking of that size);",
             "the figure is the number of documents, * an official table covers it. Gaps first.", ""]
    for scope in SCOPES:
        rows, years = _ordered(cov, scope), cov.scope_years(scope)
        if not rows or not years:
            continue
        width = max(len(name) for name, _ in rows) + 2
        lines.append(SCOPE_TITLES[scope])
        lines.append(f"{'province':<{width}}" + "".join(f"{y:>6}" for y in years))
        for name, by_year in rows:
            cells = []
            for y in years:
                c = by_year.get(y)
                text = "" if c is None else SYMBOLS[c.status] + (str(c.documents) if c.documents else "")
                cells.append(f"{text + ('*' if c and c.official else ''):>6}")
            lines.append(f"{name:<{width}}" + "".join(cells))
        lines.append(summary(cov, scope))
        lines.append("")
    return "\n".join(lines).rstrip()


def summary(cov: Coverage, scope: int) -> str:
    n = cov.counts(scope)
    ranked = sum(n[s] for s in STATUSES if s != "not ranked")
    provinces = {c.province for c in cov.scope(scope)}
    empty = sorted(p for p in provinces if all(c.status in ("missing", "not ranked") for c in cov.scope(scope)
                                               if c.province == p))
    return (f"{len(provinces)} provinces, {ranked} province-years ranked: {n['complete']} complete, "
            f"{n['rank only']} rank only, {n['score only']} score only, {n['missing']} missing; "
            f"{n['official']} backed by an official table; {len(empty)} provinces with nothing")


def to_csv(cov: Coverage) -> str:
    out = io.StringIO()
    names = [f.name for f in fields(Cell)]
    w = csv.DictWriter(out, fieldnames=names, lineterminator="\n")
    w.writeheader()
    for c in cov.cells:
        w.writerow({k: (int(v) if isinstance(v, bool) else v) for k, v in asdict(c).items()})
    return out.getvalue()


def to_json(cov: Coverage) -> str:
    return json.dumps({"metric": cov.metric, "from": cov.from_year, "to": cov.to_year,
                       "summary": {str(s): cov.counts(s) for s in SCOPES if cov.scope(s)},
                       "cells": [asdict(c) for c in cov.cells]}, ensure_ascii=False, indent=1)


def render(cov: Coverage, fmt: str = "table") -> str:
    return {"table": render_table, "csv": to_csv, "json": to_json}[fmt](cov)


# -- the plot -----------------------------------------------------------------------------------

COLOURS = {"complete": "#2e7d32", "rank only": "#9ccc65", "score only": "#ffca28", "missing": "#e57373",
           "not ranked": "#eeeeee"}


def plot(cov: Coverage, output: str | Path) -> Path:
    """The province × year grid of each ranking, coloured by status; a dot where an official table
    covers the cell. The format is the file's extension (png, svg, pdf ...)."""
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    out = Path(output)
    ext = out.suffix.lstrip(".").lower()
    fig = Figure(layout="constrained")
    supported = fig.canvas.get_supported_filetypes()
    if ext not in supported:
        raise UsageError(f"{out}: cannot write a {ext or 'nameless'} file; end the name with one of "
                         + ", ".join(f".{e}" for e in sorted(supported)))
    scopes = [s for s in SCOPES if cov.scope_years(s)]
    if not scopes:
        raise UsageError(f"nothing to plot: no year from {cov.from_year} to {cov.to_year} had a ranking")
    widths = [len(cov.scope_years(s)) for s in scopes]
    tallest = max(len(_ordered(cov, s)) for s in scopes)
    fig.set_size_inches(max(6.0, 2.0 + 1.5 * len(scopes) + 0.5 * sum(widths)), 1.6 + 0.19 * tallest)
    fig.set_dpi(110)
    cmap = ListedColormap([COLOURS[s] for s in STATUSES])
    axes = fig.subplots(1, len(scopes), squeeze=False, width_ratios=[w + 3 for w in widths])[0]
    for ax, scope in zip(axes, scopes):
        rows, years = _ordered(cov, scope), cov.scope_years(scope)
        grid = [[STATUSES.index(by_year[y].status) if y in by_year else STATUSES.index("not ranked")
                 for y in years] for _, by_year in rows]
        ax.imshow(grid, cmap=cmap, vmin=-0.5, vmax=len(STATUSES) - 0.5, aspect="auto", interpolation="nearest")
        dots = [(x, i) for i, (_, by_year) in enumerate(rows) for x, y in enumerate(years)
                if y in by_year and by_year[y].official]
        if dots:
            ax.scatter([d[0] for d in dots], [d[1] for d in dots], s=10, c="black", marker="o")
        ax.set_xticks(range(len(years)), [str(y) for y in years], fontsize=8)
        ax.set_yticks(range(len(rows)), [name for name, _ in rows], fontsize=7)
        ax.set_xticks([x - 0.5 for x in range(1, len(years))], minor=True)
        ax.set_yticks([y - 0.5 for y in range(1, len(rows))], minor=True)
        ax.grid(which="minor", color="white", linewidth=0.8)
        ax.tick_params(which="minor", length=0)
        ax.set_title(PANEL_TITLES[scope], fontsize=9)
    fig.suptitle(f"Coverage of {cov.metric} in the database, data years {cov.from_year}–{cov.to_year}", fontsize=10)
    handles = [Patch(color=COLOURS[s], label=s) for s in STATUSES]
    handles.append(Patch(color="black", label="• official table"))
    fig.legend(handles=handles, loc="outside lower center", ncol=len(handles), fontsize=8, frameon=False)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, format=ext)
    return out
