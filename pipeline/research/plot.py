"""`plot`: rank and score over time for one or more provinces, as a PNG (matplotlib).

Reads the `dti_rankings` view: for each year, the rank and score most documents state. Ranks of
different rankings (the 63 provinces before the 2025 merger, the 34 after) are drawn as separate
lines, since 14th of 34 and 14th of 63 are not the same standing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from matplotlib.figure import Figure   # no pyplot: no global state, no display needed
from matplotlib.ticker import MaxNLocator

from pipeline.store import reference_data
from pipeline.errors import UsageError


@dataclass
class Series:
    subject: str
    label: str
    ranks: dict[Optional[float], list[tuple[int, float]]] = field(default_factory=dict)  # total → [(year, rank)]
    scores: list[tuple[int, float]] = field(default_factory=list)                         # (year, score on 0–1)


@dataclass
class PlotResult:
    path: Path
    series: list[Series]

    def summary(self) -> str:
        parts = []
        for s in self.series:
            years = sorted({y for pts in s.ranks.values() for y, _ in pts} | {y for y, _ in s.scores})
            parts.append(f"{s.label}: {len(years)} year{'s' if len(years) != 1 else ''}"
                         + (f" ({years[0]}–{years[-1]})" if len(years) > 1 else f" ({years[0]})" if years else ""))
        return f"chart written to {self.path}: " + "; ".join(parts)


def _series(db, subject: str, label: str, metric: str) -> Series:
    s = Series(subject, label)
    rows = db.execute("""SELECT year, rank, total, score, scale FROM dti_rankings
                         WHERE subject = ? AND subject_type = 'province' AND metric = ? AND year IS NOT NULL
                         ORDER BY year""", [subject, metric]).fetchall()
    seen_scores = set()
    for year, rank, total, score, scale in rows:
        if rank is not None:
            s.ranks.setdefault(total, []).append((year, rank))
        if score is not None and year not in seen_scores:
            seen_scores.add(year)
            # one axis for both scales: 0.7167 of 1 and 716.7 of 1,000 are the same score
            s.scores.append((year, score / (scale or (1 if score <= 1 else 1000))))
    return s


def collect(db, subjects: list[str], metric: str = "dti", with_merged: bool = False) -> list[Series]:
    out: list[Series] = []
    for typed in subjects:
        names = [n for n, t in reference_data.resolve_subject(db, typed) if t == "province"]
        if not names:
            hint = reference_data.suggest_subjects(db, typed)
            raise UsageError(f"{typed!r} is not a province the database knows"
                             + (f"; did you mean {', '.join(hint)}?" if hint else ""))
        for name in names:
            out.append(_series(db, name, name, metric))
            if with_merged:
                for (merged,) in db.execute("""SELECT name FROM subjects WHERE type = 'province'
                                               AND name_2025 = ? AND name <> ? ORDER BY name""", [name, name]):
                    out.append(_series(db, merged, f"{merged} → {name}", metric))
    if not any(s.ranks or s.scores for s in out):
        raise UsageError(f"no rank or score of {metric!r} with a year is stored for "
                         f"{', '.join(subjects)}; see `python -m pipeline query --subject ... --metric {metric}`")
    return out


def plot_history(db, subjects: list[str], metric: str = "dti", output: str | Path = "extracted/plot.png",
                 with_merged: bool = False) -> PlotResult:
    series = collect(db, subjects, metric, with_merged)
    name = db.execute("SELECT name_vi FROM metrics WHERE id = ?", [metric]).fetchone()
    title = f"{name[0] if name and name[0] else metric} — {', '.join(s.label for s in series)}"

    fig = Figure(figsize=(9, 7), dpi=110, layout="constrained")
    ax_rank, ax_score = fig.subplots(2, 1, sharex=True)
    colours = {}
    for i, s in enumerate(series):
        colour = colours.setdefault(s.subject, f"C{len(colours) % 10}")
        for total, points in sorted(s.ranks.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)):
            years, ranks = zip(*points)
            style = {34: "-", 63: "--"}.get(int(total) if total else 0, ":")
            label = f"{s.label} (of {total:g})" if total else f"{s.label} (ranking size not stated)"
            ax_rank.plot(years, ranks, style, marker="o", color=colour, label=label)
            for y, r in points:
                ax_rank.annotate(f"{r:g}", (y, r), textcoords="offset points", xytext=(0, 7),
                                 ha="center", fontsize=8, color=colour)
        if s.scores:
            years, scores = zip(*s.scores)
            ax_score.plot(years, scores, "-", marker="s", color=colour, label=s.label)
    ax_rank.yaxis.set_major_locator(MaxNLocator(integer=True))
    worst = max((r for s in series for pts in s.ranks.values() for _, r in pts), default=1)
    ax_rank.set_ylim(worst * 1.1 + 1, 0.2)   # inverted: 1st place at the top, room for the labels
    ax_rank.set_ylabel("rank")
    ax_rank.set_title(title, fontsize=11)
    ax_score.set_ylabel("score (share of the maximum)")
    ax_score.set_xlabel("year the figures are about")
    for ax in (ax_rank, ax_score):
        ax.grid(True, alpha=0.3)
        ax.xaxis.get_major_locator().set_params(integer=True)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8, loc="best")
    out = Path(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, format="png")
    return PlotResult(out, series)
