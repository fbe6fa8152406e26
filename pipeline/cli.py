"""`python -m pipeline`: a thin command line over the library.

Errors are turned into one readable line and an exit code here, and only here:
1 runtime failure, 2 misuse (the message names the fix), 3 some sources failed, 75 locked.
"""
from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from pipeline import __version__
from pipeline.errors import PipelineError, UsageError
from pipeline.store import DEFAULT_DB


def db_option(f):
    return click.option("--db", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False),
                        help="SQLite database file.")(f)


def handle_errors(f):
    """Turn library errors into one line on stderr and the matching exit code."""
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except click.exceptions.Exit:
            raise
        except PipelineError as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(e.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pipeline")
def cli():
    """Harvest, extract, store, query and check Vietnam's digital-transformation figures."""


@cli.command()
@click.option("--sources", "sources_path", default="sources.yaml", show_default=True,
              type=click.Path(dir_okay=False), help="The sources file.")
@click.option("--source", "names", multiple=True, help="Only this source (repeatable).")
@db_option
@click.option("--quiet", is_flag=True, help="No progress lines, only the summary.")
@handle_errors
def harvest(sources_path, names, db, quiet):
    """Crawl the sources of SOURCES, archive, parse, extract and store what is new or changed."""
    from pipeline.config import load_sources, select_sources
    from pipeline.crawl import harvest as run_harvest
    sf = load_sources(sources_path)
    selected = select_sources(sf, names)
    summary = run_harvest(sf, selected, db, progress=not quiet)
    click.echo(summary.render())
    sys.exit(summary.exit_code)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--url", default=None, help="The URL to record for the document (one PATH only).")
@db_option
@handle_errors
def ingest(paths, url, db):
    """Parse, extract and store local .html/.htm/.pdf/.txt files (a .txt: first line = title)."""
    from pipeline.ingest import ingest_paths
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
@db_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("--output", "-o", default="-", show_default=True, help="Output file; - for stdout.")
@handle_errors
def export(db, fmt, output):
    """Write every fact in the form of the spec (one row per distinct fact per document)."""
    from pipeline.export import export_facts
    _require_db(db)
    n = export_facts(db, fmt=fmt, output=output)
    if output != "-":
        click.echo(f"{n} facts written to {output}", err=True)


@cli.command()
@db_option
@click.option("--keep-running", is_flag=True, help="Leave the sample portal serving until Ctrl-C.")
@handle_errors
def demo(db, keep_running):
    """Serve the bundled sample portal on 127.0.0.1, harvest it, and print a summary."""
    from pipeline.demo import run_demo
    code = run_demo(db, keep_running=keep_running)
    sys.exit(code)


def _require_db(db: str) -> None:
    if not Path(db).exists():
        raise UsageError(f"{db}: no database yet; run `python -m pipeline harvest` or "
                         "`python -m pipeline ingest FILE` first, or pass --db")


def main():
    cli(prog_name="pipeline")


if __name__ == "__main__":
    main()
