"""The command group (`cli`) and what every command shares: errors to one line and an exit code,
--db, --format, --output.

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

from pipeline import __version__
from pipeline.errors import PipelineError, UsageError
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


def output_options(default_limit=None):
    """--format/--json, -o/--output and --limit, the same on every command that prints records;
    the command receives `fmt`, `output` and `limit`."""
    def decorate(f):
        f = click.option("--limit", type=click.IntRange(min=1), default=default_limit,
                         show_default=default_limit is not None,
                         help="At most this many records; the output says when it cut.")(f)
        f = click.option("--output", "-o", default="-", show_default=True, help="Output file; - for stdout.")(f)
        return format_option(f)
    return decorate


def cut(items: list, limit, what: str) -> tuple[list, str]:
    """The first `limit` items, and the note that says so when there were more."""
    if limit is None or len(items) <= limit:
        return items, ""
    return items[:limit], f"first {limit} of {len(items)} {what} shown; raise --limit to see more"


def emit(text: str, output: str, what: str, note: str = "") -> None:
    """Print or write the records, then the cut note on stderr (never inside CSV or JSON)."""
    write_output(text, output, what)
    if note:
        click.echo(note, err=True)


def require_db(db: str) -> None:
    if not Path(db).exists():
        raise UsageError(f"{db}: no database yet; run `python -m pipeline harvest` or "
                         "`python -m pipeline ingest FILE` first, or pass --db")


def write_output(text: str, output: str, what: str) -> None:
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
