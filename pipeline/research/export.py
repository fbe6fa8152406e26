"""Export facts in the form of the spec (JSONL or CSV), or as a Frictionless data package."""
from __future__ import annotations

import csv
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

from pipeline import store
from pipeline.clock import now_iso
from pipeline.models import FACT_KINDS, SUBJECT_TYPES

# The spec's fields first, in its order; then provenance the project adds.
SPEC_FIELDS = ["url", "published", "subject", "subject_type", "province", "metric", "metric_phrase",
               "year", "kind", "value", "total", "scale", "unit", "qualifier", "is_target",
               "evidence", "start", "end"]
EXTRA_FIELDS = ["page", "table_row", "table_col", "extractor", "extractor_version", "document_title",
                "outlet"]
FIELDS = SPEC_FIELDS + EXTRA_FIELDS


def _number(v: Any) -> Any:
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def export_rows(db) -> Iterator[dict[str, Any]]:
    for row in store.fact_rows(db):
        out = {k: row.get(k) for k in FIELDS}
        for k in ("value", "total", "scale"):
            out[k] = _number(out[k])
        out["is_target"] = bool(out["is_target"])
        published = out["published"]
        out["published"] = published[:10] if published else None
        yield out


def export_facts(db_path: str, fmt: str = "jsonl", output: str = "-") -> int:
    db = store.connect(db_path)
    stream = sys.stdout if output == "-" else open(Path(output), "w", encoding="utf-8", newline="")
    n = 0
    try:
        if fmt == "csv":
            writer = csv.DictWriter(stream, fieldnames=FIELDS)
            writer.writeheader()
            for row in export_rows(db):
                writer.writerow(row)
                n += 1
        else:
            for row in export_rows(db):
                stream.write(json.dumps(row, ensure_ascii=False) + "\n")
                n += 1
    finally:
        if stream is not sys.stdout:
            stream.close()
    return n


# --- Frictionless data package -------------------------------------------------------------


# Field descriptions shared by the data package and Datasette's column help (serve.py).
FIELD_DESCRIPTIONS = {
    "url": "The document the fact comes from (a file: URL for a local file).",
    "published": "The document's publication date.",
    "subject": "Who the figure is about: a province without prefix (Lào Cai, Hồ Chí Minh, Huế), a district "
               "with its prefix, an agency, or Việt Nam.",
    "subject_type": "province, district, agency, ministry, country or other.",
    "province": "For a district or an agency, the province it belongs to.",
    "metric": "A vocabulary id (metrics.csv: dti, dti.awareness, pci ...) or a snake_case indicator label.",
    "metric_phrase": "The document's own words for the quantity.",
    "year": "The year the figure is about (DTI 2024 was published in 2025); for a target, its due year.",
    "kind": "rank, score, top_n, bottom_n, rank_change, percent or count.",
    "value": "The rank, the score as written, N of a top-N group, the signed change, the percentage or the count.",
    "total": "The denominator the text gives: 34 in 14/34.",
    "scale": "For a score, the maximum of its scale: 1 or 1000.",
    "unit": "What is counted, % or điểm.",
    "qualifier": "exact, at_least, at_most or approx.",
    "is_target": "True for a goal or plan, false for a figure achieved or measured.",
    "evidence": "The sentence or table row that states the figure, exactly as stored.",
    "start": "Character offset of evidence in the document's stored text.",
    "end": "Character offset just after evidence: text[start:end] == evidence.",
    "page": "PDF page of the evidence, when the document has pages.",
    "table_row": "Row of the table the figure was read from, when it came from a table.",
    "table_col": "Column of that table.",
    "extractor": "The extraction rule or component that produced the fact.",
    "extractor_version": "The extractor's version when the fact was extracted.",
    "document_title": "The document's title.",
    "outlet": "The newspaper or portal that published the document.",
}
_TYPES = {"year": "integer", "value": "number", "total": "number", "scale": "number", "is_target": "boolean",
          "start": "integer", "end": "integer", "page": "integer", "table_row": "integer",
          "table_col": "integer", "published": "date"}
_CONSTRAINTS = {"subject": {"required": True}, "metric": {"required": True}, "value": {"required": True},
                "url": {"required": True}, "evidence": {"required": True},
                "kind": {"required": True, "enum": list(FACT_KINDS)}, "subject_type": {"required": True, "enum": list(SUBJECT_TYPES)},
                "qualifier": {"enum": ["exact", "at_least", "at_most", "approx"]}}

DOCUMENT_FIELDS = [("url", "string", "The address the document was fetched from (its identity here)."),
                   ("canonical_url", "string", "The canonical URL the page declares."),
                   ("title", "string", "Title."),
                   ("published", "string", "Publication date or date-time, ISO 8601 (+07:00)."),
                   ("outlet", "string", "Newspaper or portal."),
                   ("source", "string", "The sources.yaml entry that found it."),
                   ("doc_type", "string", "html, pdf or txt."),
                   ("status", "string", "ok, needs_ocr, encrypted, unparseable, too_large, empty or fetch_failed."),
                   ("content_hash", "string", "SHA-256 of the raw bytes as fetched."),
                   ("fetched_at", "string", "When it was fetched.")]
SUBJECT_FIELDS = [("name", "string", "Canonical name."), ("type", "string", "province, district, agency ..."),
                  ("province", "string", "For a district or agency, its province."),
                  ("code", "string", "The province's 2004 code."),
                  ("name_2025", "string", "The province it belongs to after the 2025 merger."),
                  ("merged_2025", "integer", "1 when the province was merged into name_2025 in 2025."),
                  ("centrally_run", "integer", "1 for a centrally-run city (as of 2025).")]
METRIC_FIELDS = [("id", "string", "The metric id used in facts."), ("name_vi", "string", "Vietnamese name."),
                 ("pillar", "string", "The DTI pillar it belongs to, if one."),
                 ("description", "string", "What it measures."),
                 ("vocabulary", "integer", "1 for the spec's vocabulary; 0 for an indicator label seen in facts.")]

# figures.csv: one row per question (store/figures.py), what a researcher reads first.
FIGURE_FIELDS = [
    ("subject", "string", "Who the figure is about (as in facts)."),
    ("subject_type", "string", "province, district, agency, ministry, country or other."),
    ("province", "string", "For a district or an agency, its province."),
    ("metric", "string", "The metric id."), ("year", "integer", "The year the figure is about."),
    ("kind", "string", "rank, score, top_n, bottom_n, rank_change, percent or count."),
    ("ranking", "integer", "For positions: the size of the ranking (34, 63, ...); empty when unknown."),
    ("is_target", "integer", "1 for a goal, 0 for a figure achieved."),
    ("value", "number", "The answer: the official table's value when one was imported, else the one most "
                        "documents give. Ranks and counts are integers."),
    ("total", "number", "The answer's stated denominator."), ("scale", "number", "A score's maximum."),
    ("unit", "string", "What is counted."),
    ("status", "string", "official, agreed (several documents, one answer), single_source or disputed."),
    ("documents", "integer", "Distinct documents stating the answer."),
    ("outlets", "integer", "Distinct outlets among them."),
    ("answers", "integer", "Distinct answers the documents give."),
    ("all_documents", "integer", "Distinct documents stating any answer."),
    ("other_answers", "string", "JSON list of the other answers with their documents and outlets."),
    ("official", "number", "The imported official table's value."),
    ("official_reference", "string", "The name of that table."),
    ("evidence", "string", "The best source's sentence."), ("url", "string", "The best source's URL."),
    ("outlet", "string", "Its outlet."), ("published", "string", "Its publication date."),
    ("title", "string", "Its title.")]

LICENSE = {"name": "GPL-3.0-or-later", "title": "GNU General Public License v3.0 or later",
           "path": "https://www.gnu.org/licenses/gpl-3.0.html"}


@dataclass
class Package:
    directory: Path
    descriptor: Path
    rows: dict[str, int]

    def summary(self) -> str:
        counts = ", ".join(f"{n} {name}" for name, n in self.rows.items())
        return f"data package written to {self.descriptor} ({counts})"


def _fact_schema() -> dict[str, Any]:
    fields = []
    for name in FIELDS:
        field = {"name": name, "type": _TYPES.get(name, "string"), "description": FIELD_DESCRIPTIONS[name]}
        if name in _CONSTRAINTS:
            field["constraints"] = _CONSTRAINTS[name]
        fields.append(field)
    return {"fields": fields, "missingValues": [""],
            "foreignKeys": [
                {"fields": "url", "reference": {"resource": "documents", "fields": "url"}},
                {"fields": ["subject", "subject_type"], "reference": {"resource": "subjects", "fields": ["name", "type"]}},
                {"fields": "metric", "reference": {"resource": "metrics", "fields": "id"}}]}


def _simple_schema(fields, primary_key) -> dict[str, Any]:
    schema = {"fields": [{"name": n, "type": t, "description": d} for n, t, d in fields], "missingValues": [""]}
    return {**schema, "primaryKey": primary_key} if primary_key else schema


def package_sources(db) -> list[dict[str, str]]:
    """Where the figures come from: the configured sources, and the outlets of stored documents."""
    out, seen = [], set()
    for name, outlet, start_urls in db.execute("SELECT name, outlet, start_urls FROM sources ORDER BY name"):
        urls = json.loads(start_urls or "[]")
        out.append({"title": outlet or name, **({"path": urls[0]} if urls else {})})
        seen.add(outlet or name)
    for outlet, url in db.execute("""SELECT outlet, min(url) FROM documents WHERE outlet IS NOT NULL
                                     GROUP BY outlet ORDER BY outlet"""):
        if outlet not in seen:
            parts = urlsplit(url)
            out.append({"title": outlet, **({"path": f"{parts.scheme}://{parts.netloc}/"}
                                            if parts.scheme in ("http", "https") else {})})
            seen.add(outlet)
    return out


def _write_csv(path: Path, header: list[str], rows) -> int:
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
            n += 1
    return n


def export_package(db_path: str, directory: str | Path) -> Package:
    """figures.csv, facts.jsonl, facts.csv, documents.csv, subjects.csv, metrics.csv and datapackage.json.

    Files are written beside their final names and renamed at the end, so an interrupted export
    never leaves a descriptor that points at half-written files.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    db = store.connect(db_path)
    tmp = {name: directory / f".{name}.part" for name in
           ("figures.csv", "facts.jsonl", "facts.csv", "documents.csv", "subjects.csv", "metrics.csv",
            "datapackage.json")}
    rows: dict[str, int] = {}
    try:
        fig_cols = [f[0] for f in FIGURE_FIELDS]
        rows["figures"] = _write_csv(tmp["figures.csv"], fig_cols, db.execute(
            f"""SELECT {', '.join(fig_cols)} FROM figures
                ORDER BY metric, year, kind, ranking, subject_type, value, subject"""))
        with open(tmp["facts.jsonl"], "w", encoding="utf-8") as jl, \
                open(tmp["facts.csv"], "w", encoding="utf-8", newline="") as fc:
            writer = csv.DictWriter(fc, fieldnames=FIELDS)
            writer.writeheader()
            n = 0
            for row in export_rows(db):
                jl.write(json.dumps(row, ensure_ascii=False) + "\n")
                writer.writerow({k: "" if v is None else ("true" if v is True else "false" if v is False else v)
                                 for k, v in row.items()})
                n += 1
        rows["facts"] = n
        doc_cols = [f[0] for f in DOCUMENT_FIELDS]
        rows["documents"] = _write_csv(tmp["documents.csv"], doc_cols, db.execute(
            f"SELECT {', '.join(doc_cols)} FROM documents ORDER BY id"))
        sub_cols = [f[0] for f in SUBJECT_FIELDS]
        rows["subjects"] = _write_csv(tmp["subjects.csv"], sub_cols, db.execute(
            f"SELECT {', '.join(sub_cols)} FROM subjects ORDER BY type, name"))
        met_cols = [f[0] for f in METRIC_FIELDS]
        rows["metrics"] = _write_csv(tmp["metrics.csv"], met_cols, db.execute(
            f"SELECT {', '.join(met_cols)} FROM metrics ORDER BY vocabulary DESC, id"))
        descriptor = {
            "name": "dti-facts",
            "title": "Vietnam's digital-transformation (DTI) figures, with evidence",
            "description": ("Ranks, scores, top-N memberships, rank changes, percentages and counts about "
                            "Vietnam's provinces, districts and agencies, each with the sentence that states "
                            "it and the document it comes from. One row per distinct figure per document; "
                            "the same figure stated by several documents appears once for each. Evidence "
                            "sentences are quoted from the documents listed in documents.csv."),
            "version": now_iso()[:10],
            "created": now_iso(),
            "licenses": [LICENSE],
            "sources": package_sources(db),
            "keywords": ["DTI", "chuyển đổi số", "Vietnam", "digital transformation"],
            "resources": [
                {"name": "figures", "path": "figures.csv", "format": "csv", "mediatype": "text/csv",
                 "encoding": "utf-8", "title": "Figures: one answer per question",
                 "description": "One row per question (subject, metric, year, kind, ranking size, target or "
                                "not) with the answer most documents give, or the official table's; its "
                                "documents, outlets, status and best source. The facts below are its provenance.",
                 "schema": _simple_schema(FIGURE_FIELDS, [])},
                {"name": "facts", "path": "facts.csv", "format": "csv", "mediatype": "text/csv",
                 "encoding": "utf-8", "title": "Facts (CSV)",
                 "description": "Every fact, with the fields of the project's fact spec and its provenance.",
                 "schema": _fact_schema()},
                {"name": "facts-jsonl", "path": "facts.jsonl", "format": "jsonl",
                 "mediatype": "application/x-ndjson", "encoding": "utf-8", "title": "Facts (JSON Lines)",
                 "description": "The same facts, one JSON object a line (the form `export --format jsonl` writes).",
                 "schema": {**_fact_schema(), "foreignKeys": []}},
                {"name": "documents", "path": "documents.csv", "format": "csv", "mediatype": "text/csv",
                 "encoding": "utf-8", "title": "Documents",
                 "description": "The documents the facts come from (without their text).",
                 "schema": _simple_schema(DOCUMENT_FIELDS, ["url"])},
                {"name": "subjects", "path": "subjects.csv", "format": "csv", "mediatype": "text/csv",
                 "encoding": "utf-8", "title": "Subjects",
                 "description": "The 63 provinces with their 2004 codes and the 34 they became in 2025, "
                                "and every other subject the facts name.",
                 "schema": _simple_schema(SUBJECT_FIELDS, ["name", "type"])},
                {"name": "metrics", "path": "metrics.csv", "format": "csv", "mediatype": "text/csv",
                 "encoding": "utf-8", "title": "Metrics",
                 "description": "The metric vocabulary with Vietnamese names, and other indicator labels.",
                 "schema": _simple_schema(METRIC_FIELDS, ["id"])},
            ],
        }
        with open(tmp["datapackage.json"], "w", encoding="utf-8") as fh:
            json.dump(descriptor, fh, ensure_ascii=False, indent=1)
        for name, part in tmp.items():
            if name != "datapackage.json":
                os.replace(part, directory / name)
        os.replace(tmp["datapackage.json"], directory / "datapackage.json")
    finally:
        for part in tmp.values():
            part.unlink(missing_ok=True)
    return Package(directory, directory / "datapackage.json", rows)
