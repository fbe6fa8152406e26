"""`python -m pipeline`: a thin command line over the library.

Errors become one line on stderr and an exit code here, and only here (the `Pipeline` group
below): 1 runtime failure (a library error, a path that cannot be read or written, a --db that is
not a database), 2 misuse (the message names the fix), 3 some sources failed, 75 locked.
"""
from __future__ import annotations

import functools
import sqlite3
import sys
from pathlib import Path

import click
from click.core import ParameterSource

from pipeline import __version__
from pipeline.errors import PipelineError, UsageError
from pipeline.factcheck.audit import RULES
from pipeline.models import FACT_KINDS, QUALIFIERS, SUBJECT_TYPES
from pipeline.store import DEFAULT_DB

FORMATS = ("table", "csv", "json")   # every command that prints records
INTERRUPTED = 130


class Pipeline(click.Group):
    """The command group that keeps every failure to one line and its exit code."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        # click's standalone mode would print a usage block and a traceback-free but many-line
        # error; we run without it and say each failure in one line ourselves
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as e:     # `pipeline` alone: the help, as click shows it
            e.show()
            sys.exit(e.exit_code)
        except click.ClickException as e:        # click's own misuse: a bad option, a missing path
            click.echo(f"error: {e.format_message()}", err=True)
            sys.exit(e.exit_code)
        except click.exceptions.Abort:
            click.echo("interrupted", err=True)
            sys.exit(INTERRUPTED)
        sys.exit(code or 0)       # the code of --help and --version, else 0

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except PipelineError as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(e.exit_code)
        except sqlite3.DatabaseError as e:
            db = ctx.meta.get("db", DEFAULT_DB)
            click.echo(f"error: {db}: not a database of this harvester ({e}); pass --db with its "
                       "database file, or a new file name to start one", err=True)
            sys.exit(1)
        except OSError as e:
            click.echo(f"error: {path_problem(e)}", err=True)
            sys.exit(1)


def path_problem(e: OSError) -> str:
    """One line for a path that cannot be read or written, naming the path and the fix."""
    name = e.filename or "a path"
    if isinstance(e, (FileExistsError, NotADirectoryError)):
        return f"{name}: a file stands where a folder is needed; check the path"
    if isinstance(e, FileNotFoundError):
        return f"{name}: no such file or folder; check the path (its folder must exist)"
    if isinstance(e, IsADirectoryError):
        return f"{name}: is a folder; give a file name"
    if isinstance(e, PermissionError):
        return f"{name}: permission denied; choose a path you may read or write"
    return f"{name}: {e.strerror or e}; check the path"


def _remember_db(ctx: click.Context, _param, value):
    ctx.meta["db"] = value     # shared with the group, which names it in a database error
    return value


def db_option(f):
    return click.option("--db", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False),
                        callback=_remember_db, help="SQLite database file.")(f)


def format_option(f):
    """--format table|csv|json, with --json kept as its alias; the command receives `fmt`."""
    @functools.wraps(f)
    def wrapper(*args, fmt, as_json, **kwargs):
        return f(*args, fmt="json" if as_json else fmt, **kwargs)
    wrapper = click.option("--json", "as_json", is_flag=True, help="The same as --format json.")(wrapper)
    return click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                        help="How to print the records.")(wrapper)


def _require_db(db: str) -> None:
    if not Path(db).exists():
        raise UsageError(f"{db}: no database yet; run `python -m pipeline harvest` or "
                         "`python -m pipeline ingest FILE` first, or pass --db")


def _write(text: str, output: str, what: str) -> None:
    """Print `text`, or write it to `output` and say so on stderr."""
    if output == "-":
        click.echo(text.rstrip("\n"))
    else:
        Path(output).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        click.echo(f"{what} written to {output}", err=True)


@click.group(cls=Pipeline, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pipeline")
def cli():
    """Harvest, extract, store, query and check Vietnam's digital-transformation figures."""


# -- getting documents in -------------------------------------------------------------------------

def sources_option(f):
    return click.option("--sources", "sources_path", default="sources.yaml", show_default=True,
                        type=click.Path(dir_okay=False), help="The sources file.")(f)


@cli.command()
@sources_option
@click.option("--source", "names", multiple=True, help="Only this source (repeatable).")
@db_option
@click.option("--quiet", is_flag=True, help="No progress lines, only the summary.")
def harvest(sources_path, names, db, quiet):
    """Crawl the sources of SOURCES, archive, parse, extract and store what is new or changed."""
    from pipeline.config import load_sources, select_sources
    from pipeline.harvest import harvest as run_harvest
    sf = load_sources(sources_path)
    summary = run_harvest(sf, select_sources(sf, names), db, progress=not quiet)
    click.echo(summary.render())
    sys.exit(summary.exit_code)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--url", default=None, help="The URL to record for the document (one PATH only).")
@db_option
def ingest(paths, url, db):
    """Parse, extract and store local .html/.htm/.pdf/.txt/.docx files (a .txt: first line = title)."""
    from pipeline.harvest import ingest_paths
    if url and len(paths) > 1:
        raise UsageError("--url names one document; give one PATH with it, or drop --url")
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise UsageError(f"{missing[0]}: no such file; check the path")
    report = ingest_paths([Path(p) for p in paths], db, url=url)
    for line in report.lines:
        click.echo(line, err=True)
    click.echo(report.summary())
    if report.failed and report.failed == len(paths):
        sys.exit(1)


@cli.command()
@click.option("--source", "names", multiple=True, help="Only documents of this source (repeatable).")
@db_option
@click.option("--quiet", is_flag=True, help="No line per document, only the summary.")
def reprocess(names, db, quiet):
    """Re-parse and re-extract every archived document from the WARC files, without the network."""
    from pipeline.harvest.reprocess import reprocess as run_reprocess
    report = run_reprocess(db, sources=list(names) or None, progress=not quiet)
    click.echo(report.render())
    sys.exit(report.exit_code)


@cli.group()
def sources():
    """The sources file: check its URL patterns offline, list the sources by province."""


@sources.command("check")
@sources_option
@click.option("--source", "names", multiple=True, help="Only this source (repeatable).")
@format_option
@click.option("--verbose", is_flag=True, help="Also list the untested patterns of every source.")
@click.option("--strict", is_flag=True,
              help="Fail (exit 1) on an unverified enabled source or a province with too few verified sources, "
                   "not only on a broken one.")
def sources_check(sources_path, names, fmt, verbose, strict):
    """Test every source's allow/follow patterns against its example URLs (no network):
    verified, unverified (no examples, or a pattern no example matches) or broken. Exit 1 if any is broken."""
    from pipeline.config import load_sources, select_sources
    from pipeline.harvest import sources_check as sc
    sf = load_sources(sources_path)
    if names:
        select_sources(sf, names)   # an unknown name is misuse, with the list of names
    checks = sc.check_sources(sf, names)
    click.echo(sc.render(checks, fmt, verbose=verbose))
    sys.exit(1 if sc.failed(checks, strict, whole_file=not names) else 0)


@sources.command("list")
@sources_option
@click.option("--readme", type=click.Path(dir_okay=False),
              help="Rewrite the generated list between the markers of this file (README.md) instead of printing.")
def sources_list(sources_path, readme):
    """The sources by province (the 34 of 2025, merged provinces' old sites under them), then national
    ones, as Markdown."""
    from pipeline.config import load_sources
    from pipeline.harvest import sources_list as sl
    sf = load_sources(sources_path)
    if not readme:
        return click.echo(sl.markdown(sf))
    click.echo(f"{readme}: sources list {'updated' if sl.update_readme(readme, sf) else 'already up to date'}", err=True)


@cli.command()
@click.option("--cdx", "cdx_url", metavar="URL",
              help="A CDX server to ask for each source's captures (https://web.archive.org/cdx/search/cdx).")
@click.option("--replay", default="https://web.archive.org/web/", show_default=True, metavar="PREFIX",
              help="With --cdx: where a capture's original bytes are, as PREFIX{timestamp}id_/{url}.")
@click.option("--warc", "warcs", multiple=True, metavar="FILE_OR_GLOB",
              help="WARC (.warc, .warc.gz) or WACZ files to read (repeatable; quote a glob).")
@click.option("--sources", "sources_path", default="sources.yaml", show_default=True,
              type=click.Path(dir_okay=False), help="The sources file: allow patterns, keywords, settings.")
@click.option("--source", "names", multiple=True, help="Only this source (repeatable).")
@click.option("--all", "include_all", is_flag=True,
              help="With --warc: keep every page, not only those a source's allow patterns match.")
@click.option("--from", "year_from", type=click.IntRange(1996, 2100), help="With --cdx: captures from this year.")
@click.option("--to", "year_to", type=click.IntRange(1996, 2100), help="With --cdx: captures up to this year.")
@click.option("--delay", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="With --cdx: seconds between two requests to the archive (at least 1 for a public one).")
@click.option("--engine", type=click.Choice(["serial", "dask"]), default="serial", show_default=True,
              help="With --warc: read the shards in this process, or on Dask workers.")
@click.option("--scheduler", metavar="ADDRESS",
              help="With --engine dask: a running scheduler (tcp://host:8786); default a LocalCluster here.")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True,
              help="With --engine dask and no --scheduler: the LocalCluster's worker processes.")
@db_option
@click.option("--quiet", is_flag=True, help="No line per capture or shard, only the summary.")
def backfill(cdx_url, replay, warcs, sources_path, names, include_all, year_from, year_to, delay, engine,
             scheduler, workers, db, quiet):
    """Documents of the past from web archives: a CDX server and its replay (--cdx), or WARC and
    WACZ files (--warc), through the same parse → extract → store path; every capture is kept as a
    revision. Running it again changes nothing."""
    from pipeline.backfill import backfill_cdx, backfill_warc
    from pipeline.config import load_sources, select_sources
    if bool(cdx_url) == bool(warcs):
        raise UsageError("give either --cdx URL (a CDX server) or --warc FILE (archive files), not both")
    if warcs and (year_from or year_to):
        raise UsageError("--from and --to select CDX captures; with --warc, give the files of those years")
    if cdx_url and (engine != "serial" or include_all):
        raise UsageError("--engine and --all are for --warc; a CDX backfill asks one archive, politely, in order")
    if scheduler and engine != "dask":
        raise UsageError("--scheduler needs --engine dask")
    if year_from and year_to and year_from > year_to:
        raise UsageError(f"--from {year_from} is after --to {year_to}")
    if cdx_url:
        sf = load_sources(sources_path)
        report = backfill_cdx(sf.settings, select_sources(sf, names), db, cdx_url, replay, year_from, year_to,
                              delay=delay, progress=not quiet)
    else:
        sources, max_bytes = [], None
        given = click.get_current_context().get_parameter_source("sources_path") != ParameterSource.DEFAULT
        if Path(sources_path).exists() or given:
            sf = load_sources(sources_path)
            sources, max_bytes = select_sources(sf, names), sf.settings.max_bytes
        elif Path(db).exists():
            # no sources file here: the sources this database was harvested from
            from pipeline import store
            conn = store.connect(db)
            recorded = store.source_configs(conn)
            conn.conn.close()
            sources = [recorded[n] for n in names if n in recorded] if names else list(recorded.values())
            if sources:
                click.echo(f"{sources_path} not found: matching against the {len(sources)} sources recorded "
                           f"in {db}", err=True)
        if not sources and not include_all:
            raise UsageError(f"{sources_path}: no such sources file and no source recorded in {db}; pass "
                             "--sources FILE, or --all to keep every page")
        kwargs = {"max_bytes": max_bytes} if max_bytes else {}
        report = backfill_warc(list(warcs), sources, db, include_all=include_all, engine=engine,
                               scheduler=scheduler, workers=workers, progress=not quiet, **kwargs)
    click.echo(report.render())
    sys.exit(report.exit_code)


# -- the researcher's side ----------------------------------------------------------------------

@cli.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "dataset", "package"]), default="jsonl",
              show_default=True, help="dataset (or package): figures.csv (one answer per question) first, then "
              "facts.jsonl, facts.csv, documents.csv, subjects.csv, metrics.csv and a Frictionless datapackage.json.")
@click.option("--output", "-o", default="-", show_default=True,
              help="Output file; - for stdout. For --format package, a directory (default extracted).")
def export(db, fmt, output):
    """Write every fact in the form of the spec (one row per distinct fact per document)."""
    from pipeline.research.export import export_facts, export_package
    _require_db(db)
    if fmt in ("dataset", "package"):
        click.echo(export_package(db, "extracted" if output == "-" else output).summary())
        return
    n = export_facts(db, fmt=fmt, output=output)
    if output != "-":
        click.echo(f"{n} facts written to {output}", err=True)


@cli.command()
@db_option
@click.option("--subject", help="Who the figures are about: any spelling (Thanh Hoa, tỉnh Thanh Hoá, TP.HCM).")
@click.option("--metric", help="A metric id: dti, dti.awareness, pci ... or a stored indicator label.")
@click.option("--year", type=int, help="The year the figures are about (not the publication year).")
@click.option("--kind", type=click.Choice(FACT_KINDS))
@click.option("--with-merged", is_flag=True,
              help="With --subject: add the provinces merged into it in 2025 (Lào Cai + Yên Bái).")
@click.option("--no-targets", is_flag=True, help="Only achieved figures, no goals.")
@click.option("--revisions", is_flag=True,
              help="The facts of every captured version of a page, with its capture time; default the latest.")
@format_option
@click.option("--limit", type=click.IntRange(min=1), help="At most this many facts.")
@click.option("--list-subjects", is_flag=True, help="List the subjects that have facts, and stop.")
def query(db, subject, metric, year, kind, with_merged, no_targets, revisions, fmt, limit, list_subjects):
    """Stored facts by subject, metric, year and kind, each with its URL and evidence."""
    from pipeline import store
    from pipeline.research import query as q
    _require_db(db)
    conn = store.connect(db)
    if list_subjects:
        click.echo(q.render_subjects(q.list_subjects(conn), fmt))
        return
    if with_merged and not subject:
        raise UsageError("--with-merged needs --subject (the 2025 province whose history you want)")
    rows = q.query_facts(conn, q.FactQuery(subject=subject, metric=metric, year=year, kind=kind,
                                           with_merged=with_merged, include_targets=not no_targets,
                                           limit=limit, revisions=revisions))
    click.echo(q.render(rows, fmt))


@cli.command()
@click.argument("words", nargs=-1, required=True)
@db_option
@click.option("--in", "where", type=click.Choice(["all", "documents", "evidence"]), default="all",
              show_default=True, help="Search document text, fact evidence, or both.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@format_option
def search(words, db, where, limit, fmt):
    """Full-text search, blind to tone marks and đ ("Ha Noi" finds "Hà Nội"), with snippets.

    Words must all appear; an argument of several words is a phrase ("chuyen doi so").
    """
    from pipeline import store
    from pipeline.research import search as s
    _require_db(db)
    # the shell already split the words: a quoted argument with spaces is meant as a phrase
    text = " ".join(f'"{w}"' if " " in w.strip() and '"' not in w else w for w in words)
    click.echo(s.render(s.search(store.connect(db), text, where=where, limit=limit), fmt))


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True,
              help="0 picks a free port.")
@click.option("--metadata-out", type=click.Path(dir_okay=False),
              help="Also write the generated Datasette metadata to this file.")
def serve(db, host, port, metadata_out):
    """Browse the live database in Datasette (read-only, safe during a harvest), with facets and canned queries."""
    from pipeline.research.serve import serve as run_serve
    _require_db(db)
    sys.exit(run_serve(db, host=host, port=port, metadata_out=metadata_out))


@cli.command()
@click.argument("subjects", nargs=-1, required=True)
@db_option
@click.option("--metric", default="dti", show_default=True, help="The metric to draw.")
@click.option("--output", "-o", default="extracted/plot.png", show_default=True, type=click.Path(dir_okay=False),
              help="The PNG file to write.")
@click.option("--with-merged", is_flag=True, help="Draw the provinces merged into each in 2025 as well.")
def plot(subjects, db, metric, output, with_merged):
    """Rank and score over time for one or more provinces, as a PNG chart."""
    from pipeline import store
    from pipeline.research.plot import plot_history
    _require_db(db)
    result = plot_history(store.connect(db), list(subjects), metric=metric, output=output, with_merged=with_merged)
    click.echo(result.summary())


@cli.command()
@db_option
@click.option("--metric", default="dti", show_default=True, help="The index: dti, dti.government, dti.awareness ...")
@click.option("--from", "from_year", type=int, default=2020, show_default=True, help="The first data year.")
@click.option("--to", "to_year", type=int, help="The last data year (default: the latest the database holds).")
@click.option("--scope", type=click.Choice(["all", "63", "34"]), default="all", show_default=True,
              help="63: the rankings up to DTI 2024; 34: the rankings of the provinces since the 2025 merger.")
@format_option
@click.option("--output", "-o", default="-", show_default=True, help="Output file; - for stdout.")
@click.option("--plot", "plot_file", type=click.Path(dir_okay=False),
              help="Also draw the grid to this file; its extension gives the format (.png, .svg, .pdf).")
def coverage(db, metric, from_year, to_year, scope, fmt, output, plot_file):
    """Per province and data year: is the rank and the score stored, from how many documents and
    sources, and does an official table back them? Gaps first (table: the province x year grid;
    csv, json: one row per province and year)."""
    from pipeline import store
    from pipeline.research import coverage as cv
    _require_db(db)
    scopes = cv.SCOPES if scope == "all" else (int(scope),)
    report = cv.coverage(store.connect(db), metric=metric, from_year=from_year, to_year=to_year, scopes=scopes)
    _write(cv.render(report, fmt), output, f"{len(report.cells)} province-years")
    if plot_file:
        click.echo(f"grid drawn to {cv.plot(report, plot_file)}", err=True)


# -- the fact-checker's side ----------------------------------------------------------------------

@cli.command()
@click.argument("claim", required=False)
@db_option
@click.option("--subject", help="Who the claim is about (Lào Cai, TP.HCM, Sở Y tế).")
@click.option("--subject-type", type=click.Choice(SUBJECT_TYPES), help="Guessed from the name when absent.")
@click.option("--metric", help="dti, dti.awareness, pci ... (default dti with --subject).")
@click.option("--year", type=int, help="The year the figure is about.")
@click.option("--kind", type=click.Choice(FACT_KINDS))
@click.option("--value", help="As written: 14, 14/34, 0,72, 716,7/1.000, 58%.")
@click.option("--total", type=float, help="Size of the ranking (34 or 63), or the whole of a count.")
@click.option("--scale", type=float, help="A score's maximum: 1 or 1000.")
@click.option("--qualifier", type=click.Choice(QUALIFIERS), default="exact", show_default=True)
@click.option("--target", "is_target", is_flag=True, help="The claim is a goal, not an achievement.")
@format_option
def check(claim, db, subject, subject_type, metric, year, kind, value, total, scale, qualifier, is_target, fmt):
    """Check CLAIM ("Lào Cai xếp thứ 14/34 về chỉ số chuyển đổi số năm 2024") against the stored
    facts and official tables: supported, contradicted, disputed or not_found, with sources.

    Options given with a CLAIM override what was read from it. Exit 0 whatever the verdict;
    2 when the claim cannot be read.
    """
    from pipeline.factcheck import check_file, read_claims
    from pipeline.factcheck.check import render
    _require_db(db)
    claims = read_claims(claim, subject=subject, metric=metric, year=year, kind=kind, value=value,
                         subject_type=subject_type, total=total, scale=scale, qualifier=qualifier,
                         is_target=is_target)
    click.echo(render(check_file(db, claims), fmt))


@cli.command()
@db_option
@format_option
@click.option("--rule", "rules", multiple=True, type=click.Choice(RULES),
              help="Only this rule (repeatable); all by default.")
@click.option("--output", "-o", default="-", show_default=True, help="Output file; - for stdout.")
def audit(db, fmt, rules, output):
    """Consistency report: conflicts between documents, arithmetic, impossible values, targets
    against achievements, shared ranks, and differences from official tables."""
    from pipeline.factcheck import audit as au
    _require_db(db)
    findings = au.audit_file(db, rules or RULES)
    _write(au.render(findings, fmt), output, f"{len(findings)} findings")


@cli.command("import-reference")
@click.argument("file", type=click.Path(dir_okay=False))
@db_option
@click.option("--name", help="Name of the table (default: the file name); importing it again replaces it.")
@click.option("--metric", default="dti", show_default=True,
              help="The index of columns whose header names none (Điểm, Xếp hạng).")
@click.option("--year", type=int, help="The year ranked (default: the one year in the title or file name).")
@click.option("--scale", type=float, help="The scores' maximum (default: 1 if every score is at most 1, else 1000).")
@click.option("--total", type=float, help="How many were ranked, for a table that lists only some.")
# a table ranks provinces, districts, agencies or ministries; the country is never one of a ranking
@click.option("--subject-type", default="province", show_default=True,
              type=click.Choice([t for t in SUBJECT_TYPES if t != "country"]))
def import_reference(file, db, name, metric, year, scale, total, subject_type):
    """Load an official ranking table (the ministry's CSV, or its HTML page) as an authoritative source."""
    from pipeline.factcheck.official import import_reference as run_import
    if not Path(file).exists():
        raise UsageError(f"{file}: no such file; check the path")
    report = run_import(db, file, name=name, metric=metric, year=year, scale=scale, total=total,
                        subject_type=subject_type)
    click.echo(report.summary())


# -- the demo and the extractor's measure -----------------------------------------------------------

@cli.command()
@db_option
@click.option("--keep-running", is_flag=True, help="Leave the sample portal serving until Ctrl-C.")
def demo(db, keep_running):
    """Serve the bundled sample portal on 127.0.0.1, harvest it, and print a summary."""
    from pipeline.demo import run_demo
    sys.exit(run_demo(db, keep_running=keep_running))


@cli.command()
@click.argument("gold", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--docs", "docs_dir", type=click.Path(exists=True, file_okay=False),
              help="Folder holding the documents the gold facts name (they are parsed and extracted).")
@click.option("--facts", "facts_file", type=click.Path(exists=True, dir_okay=False),
              help="An export (JSONL) to score instead, e.g. of a harvest.")
@click.option("--verbose", is_flag=True, help="List every missed and every extra fact.")
def evaluate(gold, docs_dir, facts_file, verbose):
    """Score the extractor against hand-labelled GOLD facts (JSONL): P, R, F1 per kind."""
    from pipeline.evaluate import evaluate_docs, load_jsonl, score
    if bool(docs_dir) == bool(facts_file):
        raise UsageError("give either --docs DIR (documents to extract) or --facts FILE (an export to score)")

    def facts_of(path: str) -> list[dict]:
        try:
            return load_jsonl(path)
        except ValueError as e:      # not JSON lines (a decoding error is one too)
            raise PipelineError(f"{path}: not a JSONL file of facts ({e}); give a gold file or an export") from None

    golds = [g for path in gold for g in facts_of(path)]
    result = evaluate_docs(golds, Path(docs_dir)) if docs_dir else score(facts_of(facts_file), golds)
    click.echo(result.report(verbose=verbose))


def main():
    cli(prog_name="pipeline")


if __name__ == "__main__":
    main()
