"""The commands that get documents in (harvest, ingest, reprocess, sources, backfill), the demo
and the extractor's measure."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from click.core import ParameterSource

from pipeline.cli.base import cli, cut, db_option, emit, output_options
from pipeline.errors import PipelineError, UsageError

# -- getting documents in -------------------------------------------------------------------------

def jobs_option(f):
    return click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
                        help="Worker processes that parse and extract (default: the machine's cores); "
                             "one writer stores.")(f)


def sources_option(f):
    return click.option("--sources", "sources_path", default="sources.yaml", show_default=True,
                        type=click.Path(dir_okay=False), help="The sources file.")(f)


@cli.command()
@sources_option
@click.option("--source", "names", multiple=True, help="Only this source (repeatable).")
@db_option
@click.option("--quiet", is_flag=True, help="No progress lines, only the summary.")
@jobs_option
def harvest(sources_path, names, db, quiet, jobs):
    """Crawl the sources of SOURCES, archive, parse, extract and store what is new or changed."""
    from pipeline.config import load_sources, select_sources
    from pipeline.harvest import harvest as run_harvest
    sf = load_sources(sources_path)
    summary = run_harvest(sf, select_sources(sf, names), db, progress=not quiet, jobs=jobs)
    click.echo(summary.render())
    sys.exit(summary.exit_code)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--url", default=None, help="The URL to record for the document (one PATH only).")
@db_option
@jobs_option
def ingest(paths, url, db, jobs):
    """Parse, extract and store local .html/.htm/.pdf/.txt/.docx files (a .txt: first line = title)."""
    from pipeline.harvest import ingest_paths
    if url and len(paths) > 1:
        raise UsageError("--url names one document; give one PATH with it, or drop --url")
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise UsageError(f"{missing[0]}: no such file; check the path")
    report = ingest_paths([Path(p) for p in paths], db, url=url, jobs=jobs)
    for line in report.lines:
        click.echo(line, err=True)
    click.echo(report.summary())
    if report.failed and report.failed == len(paths):
        sys.exit(1)


@cli.command()
@click.option("--source", "names", multiple=True, help="Only documents of this source (repeatable).")
@db_option
@click.option("--quiet", is_flag=True, help="No line per document, only the summary.")
@jobs_option
def reprocess(names, db, quiet, jobs):
    """Re-parse and re-extract every archived document from the WARC files, without the network."""
    from pipeline.harvest.reprocess import reprocess as run_reprocess
    report = run_reprocess(db, sources=list(names) or None, progress=not quiet, jobs=jobs)
    click.echo(report.render())
    sys.exit(report.exit_code)


@cli.group()
def sources():
    """The sources file: check its URL patterns offline, list the sources by province."""


@sources.command("check")
@sources_option
@click.option("--source", "names", multiple=True, help="Only this source (repeatable).")
@output_options()
@click.option("--verbose", is_flag=True, help="Also list the untested patterns of every source.")
@click.option("--strict", is_flag=True,
              help="Fail (exit 1) on an unverified enabled source or a province with too few verified sources, "
                   "not only on a broken one.")
def sources_check(sources_path, names, fmt, output, limit, verbose, strict):
    """Test every source's allow/follow patterns against its example URLs (no network):
    verified, unverified (no examples, or a pattern no example matches) or broken. Exit 1 if any is broken."""
    from pipeline.config import load_sources, select_sources
    from pipeline.harvest import sources_check as sc
    sf = load_sources(sources_path)
    if names:
        select_sources(sf, names)   # an unknown name is misuse, with the list of names
    checks = sc.check_sources(sf, names)
    shown, note = cut(checks, limit, "sources")
    emit(sc.render(shown, fmt, verbose=verbose), output, f"{len(shown)} sources", note)
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
@click.option("--verbose", is_flag=True, help="Every miss (with why) and extra, and P/R per construction.")
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
