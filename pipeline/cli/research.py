"""The researcher's and the fact-checker's commands: export, query, search, serve, plot,
coverage, check, audit, import-reference."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.cli.base import cli, cut, db_option, emit, output_options, require_db
from pipeline.errors import UsageError
from pipeline.factcheck.audit import RULES
from pipeline.models import FACT_KINDS, QUALIFIERS, SUBJECT_TYPES

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
    require_db(db)
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
@click.option("--subject-type", type=click.Choice(SUBJECT_TYPES), help="Only provinces, districts, agencies ...")
@output_options()
@click.option("--list-subjects", is_flag=True, help="List the subjects that have facts, and stop.")
def query(db, subject, metric, year, kind, with_merged, no_targets, revisions, subject_type, fmt, output, limit,
          list_subjects):
    """Stored facts by subject, metric, year and kind, each with its URL and evidence."""
    from pipeline import store
    from pipeline.research import query as q
    require_db(db)
    conn = store.connect(db)
    if list_subjects:
        subjects, note = cut(q.list_subjects(conn), limit, "subjects")
        return emit(q.render_subjects(subjects, fmt), output, f"{len(subjects)} subjects", note)
    if with_merged and not subject:
        raise UsageError("--with-merged needs --subject (the 2025 province whose history you want)")
    rows = q.query_facts(conn, q.FactQuery(subject=subject, metric=metric, year=year, kind=kind,
                                           with_merged=with_merged, include_targets=not no_targets,
                                           revisions=revisions, subject_type=subject_type))
    rows, note = cut(rows, limit, "facts")
    emit(q.render(rows, fmt), output, f"{len(rows)} facts", note)


@cli.command()
@click.argument("words", nargs=-1, required=True)
@db_option
@click.option("--in", "where", type=click.Choice(["all", "documents", "evidence"]), default="all",
              show_default=True, help="Search document text, fact evidence, or both.")
@output_options(default_limit=20)
def search(words, db, where, fmt, output, limit):
    """Full-text search, blind to tone marks and đ ("Ha Noi" finds "Hà Nội"), with snippets.

    Words must all appear; an argument of several words is a phrase ("chuyen doi so").
    """
    from pipeline import store
    from pipeline.research import search as s
    require_db(db)
    # the shell already split the words: a quoted argument with spaces is meant as a phrase
    text = " ".join(f'"{w}"' if " " in w.strip() and '"' not in w else w for w in words)
    hits, note = cut(s.search(store.connect(db), text, where=where, limit=limit + 1), limit, "matches")
    if note:
        note = f"first {limit} matches shown, there are more; raise --limit to see them"
    emit(s.render(hits, fmt), output, f"{len(hits)} matches", note)


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
    require_db(db)
    sys.exit(run_serve(db, host=host, port=port, metadata_out=metadata_out))


@cli.command()
@click.argument("subjects", nargs=-1)
@db_option
@click.option("--metric", default="dti", show_default=True, help="The metric to draw.")
@click.option("--ranking", "ranking_year", type=int, metavar="YEAR",
              help="Draw every province of this year's ranking instead (plot --ranking 2024).")
@click.option("--size", type=click.Choice(["34", "63"]), default="34", show_default=True,
              help="With --ranking: the ranking of 34 provinces or of 63.")
@click.option("--output", "-o", default="extracted/plot.png", show_default=True, type=click.Path(dir_okay=False),
              help="The file to write; its extension gives the format (.png, .svg, .pdf).")
@click.option("--with-merged", is_flag=True, help="Draw the provinces merged into each in 2025 as well.")
def plot(subjects, db, metric, ranking_year, size, output, with_merged):
    """Rank and score over time for provinces, districts or agencies (SUBJECTS), or a year's ranking."""
    from pipeline import store
    from pipeline.research.plot import plot_history, plot_ranking
    require_db(db)
    if bool(subjects) == bool(ranking_year):
        raise UsageError("give SUBJECTS to draw over time, or --ranking YEAR for a year's ranking, not both")
    if ranking_year:
        result = plot_ranking(store.connect(db), ranking_year, int(size), metric=metric, output=output)
    else:
        result = plot_history(store.connect(db), list(subjects), metric=metric, output=output,
                              with_merged=with_merged)
    click.echo(result.summary())


@cli.command()
@db_option
@click.option("--metric", default="dti", show_default=True, help="The index: dti, dti.government, dti.awareness ...")
@click.option("--from", "from_year", type=int, default=2020, show_default=True, help="The first data year.")
@click.option("--to", "to_year", type=int, help="The last data year (default: the latest the database holds).")
@click.option("--scope", type=click.Choice(["all", "63", "34"]), default="all", show_default=True,
              help="63: the rankings up to DTI 2024; 34: the rankings of the provinces since the 2025 merger.")
@output_options()
@click.option("--plot", "plot_file", type=click.Path(dir_okay=False),
              help="Also draw the grid to this file; its extension gives the format (.png, .svg, .pdf).")
def coverage(db, metric, from_year, to_year, scope, fmt, output, limit, plot_file):
    """Per province and data year: is the rank and the score stored, from how many documents and
    sources, and does an official table back them? Gaps first (table: the province x year grid;
    csv, json: one row per province and year)."""
    from pipeline import store
    from pipeline.research import coverage as cv
    require_db(db)
    scopes = cv.SCOPES if scope == "all" else (int(scope),)
    report = cv.coverage(store.connect(db), metric=metric, from_year=from_year, to_year=to_year, scopes=scopes)
    note = ""
    if fmt != "table":       # the grid is one picture; a CSV or JSON report is rows, gaps first
        report.cells, note = cut(report.cells, limit, "province-years")
    elif limit:
        raise UsageError("--limit cuts rows of --format csv or json; the table is the whole grid")
    emit(cv.render(report, fmt), output, f"{len(report.cells)} province-years", note)
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
@output_options()
def check(claim, db, subject, subject_type, metric, year, kind, value, total, scale, qualifier, is_target, fmt,
          output, limit):
    """Check CLAIM ("Lào Cai xếp thứ 14/34 về chỉ số chuyển đổi số năm 2024") against the stored
    facts and official tables: supported, contradicted, disputed or not_found, with sources.

    Options given with a CLAIM override what was read from it. Exit 0 whatever the verdict;
    2 when the claim cannot be read.
    """
    from pipeline.factcheck import check_file, read_claims
    from pipeline.factcheck.check import render
    require_db(db)
    claims = read_claims(claim, subject=subject, metric=metric, year=year, kind=kind, value=value,
                         subject_type=subject_type, total=total, scale=scale, qualifier=qualifier,
                         is_target=is_target)
    results = check_file(db, claims)
    notes = [n for r in results for n in [r.keep_sources(limit)] if n]
    emit(render(results, fmt), output, f"{len(results)} verdicts", "; ".join(notes))


@cli.command()
@db_option
@output_options()
@click.option("--rule", "rules", multiple=True, type=click.Choice(RULES),
              help="Only this rule (repeatable); all by default.")
def audit(db, fmt, output, limit, rules):
    """Consistency report: conflicts between documents, arithmetic, impossible values, targets
    against achievements, shared ranks, and differences from official tables."""
    from pipeline.factcheck import audit as au
    require_db(db)
    findings, note = cut(au.audit_file(db, rules or RULES), limit, "findings")
    emit(au.render(findings, fmt), output, f"{len(findings)} findings", note)


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
