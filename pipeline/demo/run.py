"""`make demo`: serve the bundled sample portal on 127.0.0.1, harvest it through the same code
as a real harvest (a sources config pointing at it), and print a one-screen summary read back
from the database.

The sites get the ports they had in the previous demo run on the same database when those are
free, so a second run revalidates the same URLs (304s) instead of storing the sample documents
again under new addresses.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Optional, TextIO
from urllib.parse import urlsplit

from pipeline import store
from pipeline.config import load_sources
from pipeline.models import FACT_KINDS

SOURCE_PREFIX = "sample-"          # the demo's sources are named sample-<site>
MAIN_FACTS_LIMIT = 22              # rows of the main-facts table: one screen in all
KIND_ORDER = FACT_KINDS


def previous_ports(db_path: str | Path) -> dict[str, int]:
    """The port each sample site had in the last demo run on this database (site → port)."""
    if not Path(db_path).exists():
        return {}
    db = store.connect(db_path)
    try:
        rows = db.execute(
            "SELECT source, url FROM documents WHERE source LIKE ? "
            "UNION ALL SELECT source, url FROM frontier WHERE source LIKE ?",
            [SOURCE_PREFIX + "%", SOURCE_PREFIX + "%"]).fetchall()
    finally:
        db.conn.close()
    ports: dict[str, int] = {}
    for source, url in rows:
        port = urlsplit(url).port
        if port:
            ports.setdefault(source[len(SOURCE_PREFIX):], port)
    return ports


def sources_file(db_path: str | Path) -> Path:
    """Where the demo writes the sources file it harvested: beside its database."""
    db = Path(db_path)
    return db.with_name(db.stem + ".sample-sources.yaml")


def run_demo(db_path: str | Path = store.DEFAULT_DB, keep_running: bool = False,
             out: Optional[TextIO] = None, progress: Optional[bool] = None) -> int:
    """Serve, harvest, summarize. Returns the harvest's exit code (0 when every site was fine)."""
    from pipeline.demo.sample_portal import start_portal
    from pipeline.harvest import harvest

    out = out or sys.stdout
    if progress is None:
        progress = sys.stderr.isatty()
    wanted = previous_ports(db_path)
    with start_portal(ports=wanted) as portal:
        moved = sorted(site for site, port in wanted.items()
                       if site in portal.sites and urlsplit(portal.sites[site]).port != port)
        print("Sample portal on 127.0.0.1: "
              + ", ".join(f"{site} {base}" for site, base in portal.sites.items()), file=out)
        if moved:
            print(f"note: the previous port of {', '.join(moved)} was busy; its documents are fetched "
                  "again under the new address (delete the database for a clean demo)", file=out)
        # the sources file it harvests, kept beside the database: `harvest --sources` on it by
        # hand crawls the same sites (while they serve, with --keep-running)
        config = sources_file(db_path)
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(portal.sources_yaml(), encoding="utf-8")
        sf = load_sources(config)
        summary = harvest(sf, sf.sources, db_path, progress=progress)
        print(summary.render(), file=out)
        print(f"Sources harvested: {config} (python -m pipeline harvest --sources {config} --db {db_path})",
              file=out)
        print(file=out)
        print(render_database_summary(db_path), file=out)
        if keep_running:
            print("\nThe sample portal keeps serving; press Ctrl-C to stop.", file=out, flush=True)
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                print("stopped", file=out)
    return summary.exit_code


# -- the summary read back from the database --------------------------------------------------------

def _table(headers: list[str], rows: list[list[str]], right: set[int] = frozenset()) -> list[str]:
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)] if rows else [len(h) for h in headers]

    def fmt(cells):
        return "  ".join(str(c).rjust(w) if i in right else str(c).ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()
    return [fmt(headers), fmt(["-" * w for w in widths])] + [fmt(r) for r in rows]


def _number(value: Optional[float]) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def render_database_summary(db_path: str | Path, limit: int = MAIN_FACTS_LIMIT) -> str:
    """Documents by source and status, facts by kind, and the main DTI facts, for the sample sources."""
    db = store.connect(db_path)
    try:
        like = SOURCE_PREFIX + "%"
        docs = db.execute("SELECT source, status, count(*) FROM documents WHERE source LIKE ? "
                          "GROUP BY source, status ORDER BY source, status", [like]).fetchall()
        kinds = dict(db.execute(
            "SELECT f.kind, count(*) FROM facts f JOIN documents d ON d.id = f.document_id "
            "WHERE d.source LIKE ? GROUP BY f.kind", [like]).fetchall())
        main = db.execute(
            # One row per figure: the same rank stated with and without its total is one line.
            """SELECT f.subject, f.metric, f.year, f.kind, f.value, max(f.total), max(f.scale)
               FROM facts f JOIN documents d ON d.id = f.document_id
               WHERE d.source LIKE ? AND f.is_target = 0 AND f.subject_type = 'province'
                 AND (f.metric = 'dti' OR f.metric LIKE 'dti.%')
                 AND f.kind IN ('rank', 'score', 'top_n', 'bottom_n', 'rank_change')
               GROUP BY f.subject, f.metric, f.year, f.kind, f.value""", [like]).fetchall()
    finally:
        db.conn.close()

    lines = ["Documents by source and status"]
    statuses = sorted({s for _, s, _ in docs})
    by_source: dict[str, dict[str, int]] = {}
    for source, status, n in docs:
        by_source.setdefault(source, {})[status] = n
    rows = [[src] + [str(counts.get(s, 0)) for s in statuses] + [str(sum(counts.values()))]
            for src, counts in by_source.items()]
    lines += _table(["source"] + statuses + ["total"], rows, right=set(range(1, len(statuses) + 2)))

    lines += ["", "Facts by kind: " + (", ".join(f"{k} {kinds[k]}" for k in KIND_ORDER if k in kinds)
                                     + f" (total {sum(kinds.values())})" if kinds else "none")]

    # Main facts: province DTI figures, newest year first, the overall index before its parts,
    # ranks before scores, best rank first.
    main.sort(key=lambda r: (-(r[2] or 0), r[1] != "dti", r[1], KIND_ORDER.index(r[3]),
                             r[4] if r[3] in ("rank", "bottom_n", "top_n") else -r[4], r[0]))
    shown = main[:limit]
    lines += ["", f"Main DTI facts (provinces; {len(main)} distinct)"]
    rows = []
    for subject, metric, year, kind, value, total, scale in shown:
        of = f"/{_number(total)}" if total else (f"of {_number(scale)}" if kind == "score" and scale else "")
        shown_value = f"{value:+g}" if kind == "rank_change" else _number(value)
        rows.append([subject, metric, _number(year), kind, shown_value, of])
    lines += _table(["subject", "metric", "year", "kind", "value", "total/scale"], rows, right={4})
    if len(main) > limit:
        lines.append(f"... and {len(main) - limit} more: python -m pipeline export --db {db_path}")
    return "\n".join(lines)
