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
    from pipeline.harvest.crawler import harvest as run_harvest
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
    from pipeline.harvest.ingest import ingest_paths
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
@handle_errors
def reprocess(names, db, quiet):
    """Re-parse and re-extract every archived document from the WARC files, without the network."""
    from pipeline.harvest.reprocess import reprocess as run_reprocess
    report = run_reprocess(db, sources=list(names) or None, progress=not quiet)
    click.echo(report.render())
    sys.exit(report.exit_code)


@cli.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "package"]), default="jsonl",
              show_default=True, help="package: facts.jsonl, facts.csv, documents.csv, subjects.csv, "
              "metrics.csv and a Frictionless datapackage.json describing them.")
@click.option("--output", "-o", default="-", show_default=True,
              help="Output file; - for stdout. For --format package, a directory (default extracted).")
@handle_errors
def export(db, fmt, output):
    """Write every fact in the form of the spec (one row per distinct fact per document)."""
    from pipeline.export import export_facts, export_package
    _require_db(db)
    if fmt == "package":
        package = export_package(db, "extracted" if output == "-" else output)
        click.echo(package.summary())
        return
    n = export_facts(db, fmt=fmt, output=output)
    if output != "-":
        click.echo(f"{n} facts written to {output}", err=True)


@cli.command()
@db_option
@click.option("--subject", help="Who the figures are about: any spelling (Thanh Hoa, tỉnh Thanh Hoá, TP.HCM).")
@click.option("--metric", help="A metric id: dti, dti.awareness, pci ... or a stored indicator label.")
@click.option("--year", type=int, help="The year the figures are about (not the publication year).")
@click.option("--kind", type=click.Choice(["rank", "score", "top_n", "bottom_n", "rank_change", "percent",
                                           "count"]))
@click.option("--with-merged", is_flag=True,
              help="With --subject: add the provinces merged into it in 2025 (Lào Cai + Yên Bái).")
@click.option("--no-targets", is_flag=True, help="Only achieved figures, no goals.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--limit", type=click.IntRange(min=1), help="At most this many facts.")
@click.option("--list-subjects", is_flag=True, help="List the subjects that have facts, and stop.")
@handle_errors
def query(db, subject, metric, year, kind, with_merged, no_targets, fmt, limit, list_subjects):
    """Stored facts by subject, metric, year and kind, each with its URL and evidence."""
    from pipeline import query as q
    from pipeline.store import connect
    _require_db(db)
    conn = connect(db)
    if list_subjects:
        click.echo(q.render(q.list_subjects(conn), "json") if fmt == "json" else
                   "\n".join(f"{r['subject']} ({r['subject_type']}{', ' + r['province'] if r['province'] else ''})"
                             f": {r['facts']}" for r in q.list_subjects(conn)))
        return
    if with_merged and not subject:
        raise UsageError("--with-merged needs --subject (the 2025 province whose history you want)")
    rows = q.query_facts(conn, q.FactQuery(subject=subject, metric=metric, year=year, kind=kind,
                                           with_merged=with_merged, include_targets=not no_targets,
                                           limit=limit))
    click.echo(q.render(rows, fmt))


@cli.command()
@click.argument("words", nargs=-1, required=True)
@db_option
@click.option("--in", "where", type=click.Choice(["all", "documents", "evidence"]), default="all",
              show_default=True, help="Search document text, fact evidence, or both.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="JSON instead of text.")
@handle_errors
def search(words, db, where, limit, as_json):
    """Full-text search, blind to tone marks and đ ("Ha Noi" finds "Hà Nội"), with snippets.

    Words must all appear; an argument of several words is a phrase ("chuyen doi so").
    """
    from pipeline import search as s
    from pipeline.store import connect
    _require_db(db)
    # the shell already split the words: a quoted argument with spaces is meant as a phrase
    text = " ".join(f'"{w}"' if " " in w.strip() and '"' not in w else w for w in words)
    hits = s.search(connect(db), text, where=where, limit=limit)
    click.echo(s.render(hits, "json" if as_json else "text"))


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True,
              help="0 picks a free port.")
@click.option("--metadata-out", type=click.Path(dir_okay=False),
              help="Also write the generated Datasette metadata to this file.")
@handle_errors
def serve(db, host, port, metadata_out):
    """Browse the live database in Datasette (read-only, safe during a harvest), with facets and canned queries."""
    from pipeline.serve import serve as run_serve
    _require_db(db)
    sys.exit(run_serve(db, host=host, port=port, metadata_out=metadata_out))


@cli.command()
@click.argument("subjects", nargs=-1, required=True)
@db_option
@click.option("--metric", default="dti", show_default=True, help="The metric to draw.")
@click.option("--output", "-o", default="extracted/plot.png", show_default=True, type=click.Path(dir_okay=False),
              help="The PNG file to write.")
@click.option("--with-merged", is_flag=True, help="Draw the provinces merged into each in 2025 as well.")
@handle_errors
def plot(subjects, db, metric, output, with_merged):
    """Rank and score over time for one or more provinces, as a PNG chart."""
    from pipeline.plot import plot_history
    from pipeline.store import connect
    _require_db(db)
    result = plot_history(connect(db), list(subjects), metric=metric, output=output, with_merged=with_merged)
    click.echo(result.summary())


@cli.command()
@click.argument("claim", required=False)
@db_option
@click.option("--subject", help="Who the claim is about (Lào Cai, TP.HCM, Sở Y tế).")
@click.option("--subject-type", type=click.Choice(["province", "district", "agency", "ministry", "country",
                                                   "other"]), help="Guessed from the name when absent.")
@click.option("--metric", help="dti, dti.awareness, pci ... (default dti with --subject).")
@click.option("--year", type=int, help="The year the figure is about.")
@click.option("--kind", type=click.Choice(["rank", "score", "top_n", "bottom_n", "rank_change", "percent",
                                           "count"]))
@click.option("--value", help="As written: 14, 14/34, 0,72, 716,7/1.000, 58%.")
@click.option("--total", type=float, help="Size of the ranking (34 or 63), or the whole of a count.")
@click.option("--scale", type=float, help="A score's maximum: 1 or 1000.")
@click.option("--qualifier", type=click.Choice(["exact", "at_least", "at_most", "approx"]), default="exact",
              show_default=True)
@click.option("--target", "is_target", is_flag=True, help="The claim is a goal, not an achievement.")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of text.")
@handle_errors
def check(claim, db, subject, subject_type, metric, year, kind, value, total, scale, qualifier, is_target,
          as_json):
    """Check CLAIM ("Lào Cai xếp thứ 14/34 về chỉ số chuyển đổi số năm 2024") against the stored
    facts and official tables: supported, contradicted, disputed or not_found, with sources.

    Options given with a CLAIM override what was read from it. Exit 0 whatever the verdict;
    2 when the claim cannot be read.
    """
    import json as _json
    from pipeline import check as ck
    _require_db(db)
    if claim:
        claims = ck.claims_from_text(claim)
        overrides = {k: v for k, v in (("subject", subject), ("subject_type", subject_type), ("metric", metric),
                                        ("year", year), ("kind", kind), ("total", total), ("scale", scale))
                     if v is not None}
        if value is not None:
            overrides.update(ck.parse_value(value, kind))
        if is_target:
            overrides["is_target"] = True
        if qualifier != "exact":
            overrides["qualifier"] = qualifier
        claims = [ck.Claim(**{**c.__dict__, **overrides}) for c in claims] if overrides else claims
    else:
        claims = [ck.claim_from_options(subject, metric, year, kind, value, subject_type, total, scale,
                                        qualifier, is_target)]
    results = ck.check(db, claims)
    if as_json:
        click.echo(_json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2))
    else:
        click.echo("\n\n".join(r.render() for r in results))


@cli.command()
@db_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--rule", "rules", multiple=True,
              type=click.Choice(["conflict", "arithmetic", "impossible", "target", "same_rank", "reference"]),
              help="Only this rule (repeatable); all by default.")
@click.option("--output", "-o", default="-", show_default=True, help="Output file; - for stdout.")
@handle_errors
def audit(db, fmt, rules, output):
    """Consistency report: conflicts between documents, arithmetic, impossible values, targets
    against achievements, shared ranks, and differences from official tables."""
    from pipeline import audit as au
    _require_db(db)
    findings = au.audit_file(db, rules or au.RULES)
    text = {"table": au.render_table, "csv": au.to_csv, "json": au.to_json}[fmt](findings)
    if output == "-":
        click.echo(text.rstrip("\n"))
    else:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"{len(findings)} findings written to {output}", err=True)


@cli.command("import-reference")
@click.argument("file", type=click.Path(dir_okay=False))
@db_option
@click.option("--name", help="Name of the table (default: the file name); importing it again replaces it.")
@click.option("--metric", default="dti", show_default=True,
              help="The index of columns whose header names none (Điểm, Xếp hạng).")
@click.option("--year", type=int, help="The year ranked (default: the one year in the title or file name).")
@click.option("--scale", type=float, help="The scores' maximum (default: 1 if every score is at most 1, else 1000).")
@click.option("--total", type=float, help="How many were ranked, for a table that lists only some.")
@click.option("--subject-type", default="province", show_default=True,
              type=click.Choice(["province", "district", "agency", "ministry", "other"]))
@handle_errors
def import_reference(file, db, name, metric, year, scale, total, subject_type):
    """Load an official ranking table (the ministry's CSV, or its HTML page) as an authoritative source."""
    from pipeline.reference import import_reference as run_import
    if not Path(file).exists():
        raise UsageError(f"{file}: no such file; check the path")
    report = run_import(db, file, name=name, metric=metric, year=year, scale=scale, total=total,
                        subject_type=subject_type)
    click.echo(report.summary())


@cli.command()
@db_option
@click.option("--keep-running", is_flag=True, help="Leave the sample portal serving until Ctrl-C.")
@handle_errors
def demo(db, keep_running):
    """Serve the bundled sample portal on 127.0.0.1, harvest it, and print a summary."""
    from pipeline.demo import run_demo
    code = run_demo(db, keep_running=keep_running)
    sys.exit(code)


@cli.command()
@click.argument("gold", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--docs", "docs_dir", type=click.Path(exists=True, file_okay=False),
              help="Folder holding the documents the gold facts name (they are parsed and extracted).")
@click.option("--facts", "facts_file", type=click.Path(exists=True, dir_okay=False),
              help="An export (JSONL) to score instead, e.g. of a harvest.")
@click.option("--verbose", is_flag=True, help="List every missed and every extra fact.")
@handle_errors
def evaluate(gold, docs_dir, facts_file, verbose):
    """Score the extractor against hand-labelled GOLD facts (JSONL): P, R, F1 per kind."""
    from pipeline.evaluate import evaluate_docs, load_jsonl, score
    if bool(docs_dir) == bool(facts_file):
        raise UsageError("give either --docs DIR (documents to extract) or --facts FILE (an export to score)")
    golds = [g for path in gold for g in load_jsonl(path)]
    result = evaluate_docs(golds, Path(docs_dir)) if docs_dir else score(load_jsonl(facts_file), golds)
    click.echo(result.report(verbose=verbose))


def _require_db(db: str) -> None:
    if not Path(db).exists():
        raise UsageError(f"{db}: no database yet; run `python -m pipeline harvest` or "
                         "`python -m pipeline ingest FILE` first, or pass --db")


def main():
    cli(prog_name="pipeline")


if __name__ == "__main__":
    main()
