"""`plot`: rank and score over time for provinces, districts or agencies, and a year's ranking,
drawn from the consolidated `figures` table (matplotlib, no display needed).

Charts that do not mislead: a rank of 34 and a rank of 63 are two lines, never one; a line never
runs across a year with no figure; where documents disagree every stated value is drawn and the
year is marked; value labels are moved until none overlaps another; the format is the file's
extension (.png, .svg, .pdf).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure   # no pyplot: no global state, no display needed
from matplotlib.ticker import MaxNLocator

from pipeline.domain import scale_of
from pipeline.errors import UsageError
from pipeline.store import reference_data
from pipeline.store.figures import other_answers

FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


@dataclass
class Point:
    year: int
    value: float                      # a rank, or a score on 0..1
    others: list[float] = field(default_factory=list)   # the other values documents state
    status: str = "single_source"

    @property
    def disputed(self) -> bool:
        return bool(self.others)


@dataclass
class Series:
    subject: str
    label: str
    subject_type: str = "province"
    ranks: dict[Optional[int], list[Point]] = field(default_factory=dict)   # ranking size → points
    scores: list[Point] = field(default_factory=list)


@dataclass
class PlotResult:
    path: Path
    series: list[Series]
    figure: Optional[Figure] = None
    note: str = ""

    def summary(self) -> str:
        if self.note:
            return f"chart written to {self.path}: {self.note}"
        parts = []
        for s in self.series:
            years = sorted({p.year for pts in s.ranks.values() for p in pts} | {p.year for p in s.scores})
            parts.append(f"{s.label}: {len(years)} year{'s' if len(years) != 1 else ''}"
                         + (f" ({years[0]}–{years[-1]})" if len(years) > 1 else f" ({years[0]})" if years else ""))
        return f"chart written to {self.path}: " + "; ".join(parts)


def image_format(path: str | Path) -> str:
    """The format a file name asks for; misuse when it names none we write."""
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise UsageError(f"{path}: give a file name ending in .png, .svg or .pdf (the format comes from it)")
    return fmt


def _norm(value: float, metric: str, scale: Optional[float]) -> float:
    return value / (scale_of(value, metric, scale) or 1.0)


def _series(db, subject: str, subject_type: str, label: str, metric: str) -> Series:
    s = Series(subject, label, subject_type)
    for year, kind, value, ranking, scale, status, others in db.execute(
            """SELECT year, kind, value, ranking, scale, status, other_answers FROM figures
               WHERE subject = ? AND subject_type = ? AND metric = ? AND is_target = 0
                 AND kind IN ('rank', 'score') AND year IS NOT NULL ORDER BY year""",
            [subject, subject_type, metric]):
        rest = other_answers(others)
        if kind == "rank":
            s.ranks.setdefault(ranking, []).append(Point(year, value, [a["value"] for a in rest], status))
        else:
            # one axis for both scales: 0,7167 of 1 and 716,7 of 1.000 are the same score
            s.scores.append(Point(year, _norm(value, metric, scale),
                                  [_norm(a["value"], metric, a["scale"]) for a in rest], status))
    return s


def collect(db, subjects: list[str], metric: str = "dti", with_merged: bool = False) -> list[Series]:
    out: list[Series] = []
    for typed in subjects:
        found = reference_data.resolve_subject(db, typed)
        if not found:
            hint = reference_data.suggest_subjects(db, typed)
            raise UsageError(f"{typed!r} is not a subject the database knows"
                             + (f"; did you mean {', '.join(hint)}?" if hint else ""))
        for name, stype in found:
            out.append(_series(db, name, stype, name if stype == "province" else f"{name} ({stype})", metric))
            if with_merged and stype == "province":
                for (merged,) in db.execute("""SELECT name FROM subjects WHERE type = 'province'
                                               AND name_2025 = ? AND name <> ? ORDER BY name""", [name, name]):
                    out.append(_series(db, merged, "province", f"{merged} → {name}", metric))
    out = [s for s in out if s.ranks or s.scores] or out
    if not any(s.ranks or s.scores for s in out):
        raise UsageError(f"no rank or score of {metric!r} with a year is stored for "
                         f"{', '.join(subjects)}; see `python -m pipeline query --subject ... --metric {metric}`")
    return out


def segments(points: list[Point]) -> list[list[Point]]:
    """Runs of consecutive years: a line is drawn within a run, never across a missing year."""
    runs: list[list[Point]] = []
    for p in sorted(points, key=lambda p: p.year):
        if runs and p.year == runs[-1][-1].year + 1:
            runs[-1].append(p)
        else:
            runs.append([p])
    return runs


def _draw(ax, points: list[Point], colour: str, style: str, marker: str, label: str, fmt_value) -> list:
    labels = []
    for n, run in enumerate(segments(points)):
        ax.plot([p.year for p in run], [p.value for p in run], style, marker=marker, color=colour,
                label=label if n == 0 else None)
    for p in points:
        text = fmt_value(p.value)
        if p.disputed:
            # every stated value, the majority filled and the others hollow, joined by a dotted bar
            values = [p.value, *p.others]
            ax.plot([p.year] * len(p.others), p.others, linestyle="none", marker=marker, mfc="none",
                    color=colour)
            ax.vlines(p.year, min(values), max(values), colors=colour, linestyles=":")
            text = "disputed: " + " / ".join(fmt_value(v) for v in values)
        labels.append(ax.annotate(text, (p.year, p.value), textcoords="offset points", xytext=(0, 7),
                                  ha="center", fontsize=8, color=colour))
    return labels


def _marker_boxes(fig: Figure, radius: float = 5.0) -> list:
    """The drawn points, as small boxes in the figure's pixels: a label must not hide one."""
    from matplotlib.transforms import Bbox
    boxes = []
    for ax in fig.axes:
        for line in ax.get_lines():
            if line.get_marker() in (None, "None", "", " "):
                continue
            for x, y in ax.transData.transform(line.get_xydata()):
                boxes.append(Bbox([[x - radius, y - radius], [x + radius, y + radius]]))
    return boxes


def _separate(fig: Figure, labels: list, step: float = 9.0, tries: int = 16) -> None:
    """Move value labels apart: each is shifted, alternately up and down, until it overlaps no
    label already placed and no drawn point (in the figure's pixels)."""
    renderer = FigureCanvasAgg(fig).get_renderer()
    placed = _marker_boxes(fig)
    for label in labels:
        base = label.xyann
        for n in range(tries):
            box = label.get_window_extent(renderer)
            if not any(box.overlaps(b) for b in placed):
                break
            shift = step * (n // 2 + 1) * (1 if n % 2 == 0 else -1)
            label.xyann = (base[0], base[1] + shift)
        placed.append(label.get_window_extent(renderer))


def _save(fig: Figure, output: str | Path) -> Path:
    fmt = image_format(output)
    out = Path(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, format=fmt)
    return out


def plot_history(db, subjects: list[str], metric: str = "dti", output: str | Path = "extracted/plot.png",
                 with_merged: bool = False) -> PlotResult:
    image_format(output)            # a wrong extension is misuse before any work
    series = collect(db, subjects, metric, with_merged)
    name = db.execute("SELECT name_vi FROM metrics WHERE id = ?", [metric]).fetchone()
    title = f"{name[0] if name and name[0] else metric} — {', '.join(s.label for s in series)}"

    fig = Figure(figsize=(9, 7), dpi=110, layout="constrained")
    ax_rank, ax_score = fig.subplots(2, 1, sharex=True)
    labels = []
    for i, s in enumerate(series):
        colour = f"C{i % 10}"
        for total, points in sorted(s.ranks.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)):
            # a line style and a marker per ranking, so a lone point still says which one it is in
            style, marker = {34: ("-", "o"), 63: ("--", "s")}.get(total or 0, (":", "^"))
            label = f"{s.label} (of {total})" if total else f"{s.label} (ranking size not stated)"
            labels += _draw(ax_rank, points, colour, style, marker, label, lambda v: f"{v:g}")
        if s.scores:
            labels += _draw(ax_score, s.scores, colour, "-", "D", s.label, lambda v: f"{v:.3f}".rstrip("0"))
    ax_rank.yaxis.set_major_locator(MaxNLocator(integer=True))
    worst = max((v for s in series for pts in s.ranks.values() for p in pts for v in [p.value, *p.others]),
                default=1)
    ax_rank.set_ylim(worst * 1.15 + 1, 0.2)   # inverted: 1st place at the top, room for the labels
    ax_rank.set_ylabel("rank")
    ax_rank.set_title(title, fontsize=11)
    ax_score.margins(y=0.2)                   # room above the top score for its label
    ax_score.set_ylabel("score (share of the maximum)")
    ax_score.set_xlabel("year the figures are about")
    for ax in (ax_rank, ax_score):
        ax.grid(True, alpha=0.3)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8, loc="best")
    FigureCanvasAgg(fig).draw()        # the layout, so the labels have their final places
    _separate(fig, labels)
    return PlotResult(_save(fig, output), series, fig)


def plot_ranking(db, year: int, size: int = 34, metric: str = "dti",
                 output: str | Path = "extracted/ranking.png") -> PlotResult:
    """Every province of one year's ranking in one picture: rank order, score bars where a score is
    stored, disputed ranks marked with every stated value."""
    image_format(output)
    rows = db.execute("""SELECT g.subject, g.value, g.status, g.other_answers, sc.value, sc.scale
                         FROM figures g LEFT JOIN figures sc ON sc.subject = g.subject
                           AND sc.subject_type = 'province' AND sc.metric = g.metric AND sc.year = g.year
                           AND sc.kind = 'score' AND sc.is_target = 0
                         WHERE g.kind = 'rank' AND g.subject_type = 'province' AND g.is_target = 0
                           AND g.metric = ? AND g.year = ? AND g.ranking = ?
                         ORDER BY g.value, g.subject""", [metric, year, size]).fetchall()
    if not rows:
        raise UsageError(f"no {metric} ranking of {size} for {year} is stored; see `python -m pipeline coverage`")
    fig = Figure(figsize=(8, 1.2 + 0.32 * len(rows)), dpi=110, layout="constrained")
    ax = fig.subplots()
    names, widths = [], []
    for subject, rank, status, others, score, scale in rows:
        rest = [a["value"] for a in other_answers(others)]
        mark = f"  (disputed: also {', '.join(f'{v:g}' for v in rest)})" if rest else ""
        names.append(f"{rank:g}. {subject}{mark}")
        widths.append(_norm(score, metric, scale) if score is not None else 0)
    ys = list(range(len(rows)))
    ax.barh(ys, widths, color=["C3" if "disputed" in n else "C0" for n in names])
    ax.set_yticks(ys, names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("score (share of the maximum); no bar: no score stored")
    ax.set_title(f"{metric} {year}: the ranking of {size} ({len(rows)} stored)", fontsize=11)
    return PlotResult(_save(fig, output), [], fig, note=f"{metric} {year}, ranking of {size}: {len(rows)} provinces")
