"""audit: every rule on documents that disagree on purpose, and the rules' quiet cases."""
from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from pipeline import store
from pipeline.factcheck.audit import RULES, audit, render_table, to_csv, to_json
from pipeline.factcheck.audit_queries import CANNED_QUERIES
from pipeline.cli import cli
from pipeline.harvest.ingest import ingest_paths
from pipeline.models import Document, Fact, Table
from pipeline.factcheck.official import import_reference
from tests.fixtures.disagree import corpus
from tests.db_samples import db_fixtures


db_path, db = db_fixtures(corpus.build, as_str=True)


def by_rule(findings, rule):
    return [f for f in findings if f.rule == rule]


def save(db, url, sentences_and_facts, tables=()):
    """A document whose text is the given sentences; each fact quotes its sentence."""
    text = "Tiêu đề\n\n" + "\n\n".join(s for s, _ in sentences_and_facts)
    facts = []
    for sentence, fs in sentences_and_facts:
        start = text.index(sentence)
        for f in fs:
            facts.append(Fact(metric_phrase=f.get("metric", "dti"), evidence=sentence, start=start,
                              end=start + len(sentence), **{"subject_type": "province", "metric": "dti", **f}))
    store.save_document(db, Document(url=url, text=text, tables=list(tables)), facts)


# --- 1. conflicts ----------------------------------------------------------------------------

def test_conflicting_documents(db):
    [f] = by_rule(audit(db), "conflict")
    assert (f.subject, f.metric, f.year) == ("Lào Cai", "dti", 2024)
    assert set(f.figures) == {"rank 14/34", "rank 12/34", "top 5"}
    assert len(f.urls) == 3 and "3 documents disagree" in f.message
    # and what the consolidated figures answer: one document each, so the later publication's
    # answer is shown first, disputed, with the other counted
    assert f.message.endswith("; figures: 12/34 (disputed, 1 document(s), 1 other answer(s))")
    # 0,7167 and 716,7/1.000 are one score, top 15 agrees with 14th, Thanh Hóa/Thanh Hoá agree
    assert not [x for x in f.figures if "score" in x or x == "top 15"]


def test_no_conflict_between_rankings_of_different_sizes(tmp_path):
    db = store.connect(tmp_path / "x.sqlite")
    save(db, "u:a", [("Lào Cai xếp thứ 14/34.", [dict(subject="Lào Cai", kind="rank", value=14, total=34, year=2024)])])
    save(db, "u:b", [("Lào Cai xếp thứ 30/63.", [dict(subject="Lào Cai", kind="rank", value=30, total=63, year=2024)])])
    assert audit(db, ["conflict"]) == []


# --- 2. arithmetic ---------------------------------------------------------------------------

def test_percentage_against_its_own_fraction(db):
    found = by_rule(audit(db), "arithmetic")
    [pct] = [f for f in found if f.metric == "procedures_online_full_share"]
    assert "45% is stated for 753/2.018, which is 37,3%" in pct.message
    assert pct.urls == ["http://127.0.0.1/fixtures/b_tintuc"]
    # 1.168/2.018 = 57,9 % for "58%" is fine
    assert not [f for f in found if f.metric == "online_services_level3_4_share"]


def test_parts_against_their_total(db):
    [parts] = [f for f in by_rule(audit(db), "arithmetic") if "parts" in f.message]
    assert "2.200" in parts.message and "2.018" in parts.message
    assert set(parts.figures) == {"1.300/2.018", "900/2.018"}


def test_nested_parts_and_a_stated_share_are_not_flagged(tmp_path):
    db = store.connect(tmp_path / "x.sqlite")
    s = "Có 1.168/2.018 dịch vụ mức độ 3, 4, trong đó 900/2.018 dịch vụ mức độ 4, đạt 44,6%."
    save(db, "u:a", [(s, [dict(subject="Lào Cai", metric="level34", kind="count", value=1168, total=2018),
                          dict(subject="Lào Cai", metric="level4", kind="count", value=900, total=2018),
                          dict(subject="Lào Cai", metric="level4_share", kind="percent", value=44.6)])])
    assert audit(db, ["arithmetic"]) == []


def test_at_least_percentage_is_checked_one_way(tmp_path):
    db = store.connect(tmp_path / "x.sqlite")
    s = "Đã có 80/100 xã, đạt trên 70%."
    save(db, "u:a", [(s, [dict(subject="Lào Cai", metric="x", kind="count", value=80, total=100),
                          dict(subject="Lào Cai", metric="x_share", kind="percent", value=70, qualifier="at_least")])])
    assert audit(db, ["arithmetic"]) == []
    s2 = "Đã có 60/100 thôn, đạt trên 70%."
    save(db, "u:b", [(s2, [dict(subject="Lào Cai", metric="y", kind="count", value=60, total=100),
                           dict(subject="Lào Cai", metric="y_share", kind="percent", value=70, qualifier="at_least")])])
    assert len(audit(db, ["arithmetic"])) == 1


# --- 3. impossible values --------------------------------------------------------------------

def test_impossible_values(db):
    found = {f.subject + " " + f.metric: f.message for f in by_rule(audit(db), "impossible")}
    assert "rank above the 34 ranked" in found["Điện Biên dti"]
    assert "outside its scale 0..1.000" in found["Thanh Hóa dti.government"]
    assert "112% is over 100%" in found["Lào Cai online_dossiers_share"]
    assert len(found) == 3


def test_growth_above_100_percent_is_possible(tmp_path):
    db = store.connect(tmp_path / "x.sqlite")
    s = "Doanh thu thương mại điện tử tăng 150% so với năm trước."
    save(db, "u:a", [(s, [dict(subject="Lào Cai", metric="ecommerce_revenue", kind="percent", value=150)])])
    s2 = "Có 150/146 hệ thống được phê duyệt."
    save(db, "u:b", [(s2, [dict(subject="Lào Cai", metric="systems", kind="count", value=150, total=146)])])
    found = audit(db, ["impossible"])
    assert [f.metric for f in found] == ["systems"] and "larger than its whole" in found[0].message


# --- 4. targets against achievements ---------------------------------------------------------

def test_targets_against_achievements(db):
    found = {f.subject: f for f in by_rule(audit(db), "target")}
    lc = found["Lào Cai"]
    assert lc.status == "met" and "target top 20 by 2025" in lc.message and "rank 14/34" in lc.message
    tn = found["Thái Nguyên"]
    assert tn.status == "not_yet_met" and "(achieved rank 14/34 in 2024)" in tn.message


def test_a_target_missed_in_its_own_year(tmp_path):
    db = store.connect(tmp_path / "x.sqlite")
    save(db, "u:plan", [("Phấn đấu đạt 80% hộ có cáp quang vào năm 2025.",
                         [dict(subject="Lào Cai", metric="fibre", kind="percent", value=80, year=2025, is_target=True)])])
    save(db, "u:2025", [("Năm 2025, 70,8% hộ có cáp quang.",
                         [dict(subject="Lào Cai", metric="fibre", kind="percent", value=70.8, year=2025)])])
    [f] = audit(db, ["target"])
    assert f.status == "missed" and f.severity == "warning"


# --- 5. one rank, two subjects ---------------------------------------------------------------

def test_two_subjects_with_one_rank(db):
    [f] = by_rule(audit(db), "same_rank")
    assert f.subject == "Lào Cai, Thái Nguyên" and "rank 14" in f.message
    assert set(f.urls) == {"http://127.0.0.1/fixtures/a_baolaocai", "http://127.0.0.1/fixtures/c_diendan"}


def test_a_tie_shown_by_a_table_is_not_flagged(tmp_path):
    db = store.connect(tmp_path / "x.sqlite")
    rows = [["Hải Phòng", "3"], ["Hồ Chí Minh", "3"]]
    text = "Bảng xếp hạng\n\nHải Phòng 3\nHồ Chí Minh 3"
    spans = [(text.index("Hải Phòng 3"), text.index("Hải Phòng 3") + 11),
             (text.index("Hồ Chí Minh 3"), len(text))]
    facts = [Fact(subject=name, subject_type="province", metric="dti", metric_phrase="DTI", kind="rank",
                  value=3, year=2024, evidence=text[s:e], start=s, end=e, table_row=i)
             for i, ((name, _), (s, e)) in enumerate(zip(rows, spans))]
    store.save_document(db, Document(url="u:table", text=text, tables=[Table(rows=rows, row_spans=spans)]), facts)
    assert audit(db, ["same_rank"]) == []
    # the same two ranks in running text of two documents are flagged
    save(db, "u:x", [("Hải Phòng xếp thứ 7.", [dict(subject="Hải Phòng", kind="rank", value=7, year=2024)])])
    save(db, "u:y", [("TP.HCM xếp thứ 7.", [dict(subject="Hồ Chí Minh", kind="rank", value=7, year=2024)])])
    assert len(audit(db, ["same_rank"])) == 1


def test_agencies_of_different_provinces_may_share_a_rank(tmp_path):
    db = store.connect(tmp_path / "x.sqlite")
    save(db, "u:a", [("Sở Y tế xếp thứ 1.", [dict(subject="Sở Y tế", subject_type="agency", province="Lào Cai",
                                                   kind="rank", value=1, year=2024)])])
    save(db, "u:b", [("Sở Tài chính xếp thứ 1.", [dict(subject="Sở Tài chính", subject_type="agency",
                                                        province="Yên Bái", kind="rank", value=1, year=2024)])])
    assert audit(db, ["same_rank"]) == []


# --- 6. the official table -------------------------------------------------------------------

def test_documents_that_differ_from_the_official_table(db, db_path):
    assert by_rule(audit(db), "reference") == []
    import_reference(db_path, corpus.REFERENCE_CSV)
    found = by_rule(audit(db), "reference")
    assert {(f.subject, f.figures[0]) for f in found} == {("Lào Cai", "rank 12/34"), ("Lào Cai", "top 5")}
    assert all(f.references == ["reference_dti_2024"] for f in found)


# --- the report ------------------------------------------------------------------------------

def test_formats(db):
    findings = audit(db)
    # no official table is imported, and no page of this corpus was captured twice (edited)
    assert {f.rule for f in findings} == set(RULES) - {"reference", "edited"}
    rows = list(csv.DictReader(io.StringIO(to_csv(findings))))
    assert len(rows) == len(findings) and rows[0]["rule"] == "conflict"
    assert "http://127.0.0.1/fixtures/b_tintuc" in rows[0]["urls"]
    data = json.loads(to_json(findings))
    assert data[0]["evidence"] and data[0]["figures"]
    table = render_table(findings)
    assert table.splitlines()[0].split()[:2] == ["rule", "subject"] and "1 conflict" in table


def test_cli(db_path, tmp_path):
    runner = CliRunner()
    r = runner.invoke(cli, ["audit", "--db", db_path])
    assert r.exit_code == 0 and "same_rank" in r.output
    r = runner.invoke(cli, ["audit", "--db", db_path, "--format", "json", "--rule", "impossible"])
    assert r.exit_code == 0 and {f["rule"] for f in json.loads(r.output)} == {"impossible"}
    out = tmp_path / "audit.csv"
    r = runner.invoke(cli, ["audit", "--db", db_path, "--format", "csv", "-o", str(out)])
    assert r.exit_code == 0 and out.read_text(encoding="utf-8").startswith("rule,severity")
    r = runner.invoke(cli, ["audit", "--db", str(tmp_path / "none.sqlite")])
    assert r.exit_code == 2


def test_an_empty_database_has_no_findings(tmp_path):
    db = store.connect(tmp_path / "x.sqlite")
    assert audit(db) == [] and "no findings" in render_table([])


# --- Datasette canned queries ----------------------------------------------------------------

def test_canned_queries_and_the_command_agree_rule_by_rule(db, db_path):
    from pipeline.factcheck.audit import audit_file
    from pipeline.factcheck.audit_queries import RULE_QUERIES
    import_reference(db_path, corpus.REFERENCE_CSV)
    assert set(RULE_QUERIES) == set(RULES)
    for name, q in CANNED_QUERIES.items():
        assert q["title"] and q["description"] and name.startswith("audit_")
    findings = audit_file(db_path)          # the command's path: the findings, recorded
    run = {rule: list(db.query(CANNED_QUERIES[name]["sql"])) for rule, (name, _, _) in RULE_QUERIES.items()}
    for rule in RULES:
        assert [(r["subject"], r["message"]) for r in run[rule]] == \
            [(f.subject, f.message) for f in by_rule(findings, rule)], rule
    # the planted cases, as the browser shows them
    assert {(r["subject"], r["kind"]) for r in run["conflict"]} >= {("Lào Cai", "rank")}
    assert {r["subject"] for r in run["impossible"]} >= {"Điện Biên", "Thanh Hóa", "Lào Cai"}
    assert all(r["url"] for r in run["reference"]) and run["reference"]
    # a second run of one rule replaces that rule's rows only
    audit_file(db_path, ["same_rank"])
    assert len(list(db.query(CANNED_QUERIES["audit_conflicts"]["sql"]))) == len(run["conflict"])


# --- through ingest, with the real extractor -------------------------------------------------

def test_fixture_documents_through_ingest(tmp_path):
    path = str(tmp_path / "ingested.sqlite")
    ingest_paths(corpus.TEXTS, path)
    db = store.connect(path)
    assert db.execute("SELECT count(*) FROM facts WHERE kind = 'rank'").fetchone()[0]
    rules = {f.rule for f in audit(db)}
    assert "conflict" in rules


def test_datasette_metadata_carries_the_audit_queries():
    from pipeline.research import serve
    queries = serve.canned_queries()
    assert {name for name in CANNED_QUERIES} <= set(queries)
    assert queries["audit_conflicts"]["sql"] == CANNED_QUERIES["audit_conflicts"]["sql"]


# --- the sample portal -----------------------------------------------------------------------

def test_rules_on_the_sample_portal_labels(tmp_path):
    db = corpus.build_sample_portal(tmp_path / "portal.sqlite")
    findings = audit(db)
    conflicts = {(f.subject, f.year) for f in by_rule(findings, "conflict")}
    assert ("Huế", 2022) in conflicts
    # 5/34 and 7/63 are Thanh Hóa's places in two rankings of 2024, not a conflict
    assert ("Thanh Hóa", 2024) not in conflicts
    targets = {(f.subject, f.year): f.status for f in by_rule(findings, "target")}
    assert targets[("Thanh Hóa", 2025)] == "met"
    assert targets[("Lào Cai", 2030)] == "not_yet_met"
    # Triệu Sơn and Hậu Lộc share rank 9 in the decision's table: a printed tie
    assert not [f for f in by_rule(findings, "same_rank") if "Triệu Sơn" in f.subject]
    assert by_rule(findings, "impossible") == []


def test_harvest_of_the_sample_portal_then_check_and_audit(tmp_path):
    """End to end: the crawler harvests the portal on 127.0.0.1, the extractor reads it, and the
    disagreement planted in it (Huế's place in 2022) is found by audit and by check."""
    from pipeline.config import load_sources
    from pipeline.demo.sample_portal import start_portal
    from pipeline.factcheck.check import DISPUTED, check_claim
    from pipeline.factcheck.claims import Claim
    from pipeline.harvest import harvest
    db_path = tmp_path / "dti.sqlite"
    with start_portal(cache_dir=str(tmp_path / "cache")) as portal:
        sources = tmp_path / "sources.yaml"
        sources.write_text(portal.sources_yaml(), encoding="utf-8")
        sf = load_sources(str(sources))
        harvest(sf, sf.sources, db_path)
    db = store.connect(db_path)
    assert ("Huế", 2022) in {(f.subject, f.year) for f in by_rule(audit(db), "conflict")}
    r = check_claim(db, Claim(subject="Thừa Thiên Huế", metric="dti", kind="rank", value=2, year=2022))
    assert r.verdict == DISPUTED
    assert all(s.url.startswith("http://127.0.0.1") and s.evidence for s in r.supporting + r.contradicting)


def test_serve_audits_again_only_after_a_write(tmp_path):
    from pipeline.factcheck.audit import audit_file
    from pipeline.factcheck.audit_queries import stale
    path = str(tmp_path / "s.sqlite")
    corpus.build(path)
    db = store.connect(path)
    assert stale(db)                       # never audited
    audit_file(path)
    assert not stale(db)                   # nothing written since
    import time
    time.sleep(1.1)                        # instants are stored to the second
    import_reference(path, corpus.REFERENCE_CSV)
    assert stale(db)                       # an official table changes the reference rule's findings


def test_clashing_rows_are_those_of_the_pairwise_walk_in_its_order():
    """conflicts() decides once per pair of distinct statements; the rows and their order must be
    what comparing every pair of rows (i < j) gives."""
    import random
    from pipeline.factcheck.audit import _clashing, _span
    from pipeline.factcheck.figures import family, totals_compatible

    def walk(rows):
        out = []
        for i, a in enumerate(rows):
            for b in rows[i + 1:]:
                if a["document_id"] == b["document_id"]:
                    continue
                if family(a["kind"]) == "position" and not totals_compatible(a.get("ranking"), b.get("ranking")):
                    continue
                sa, sb = _span(a), _span(b)
                if sa and sb and not sa.meets(sb):
                    out += [x for x in (a, b) if all(x is not y for y in out)]
        return out

    rng = random.Random(5)
    for trial in range(300):
        kind = rng.choice(["rank", "score", "percent"])
        rows = [{"id": n, "document_id": rng.randint(1, 6), "kind": kind, "metric": "dti",
                 "value": rng.choice([3, 4, 5]) if kind == "rank" else rng.choice([0.71, 0.7167, 0.65, 65.0]),
                 "total": rng.choice([None, 34, 63]) if kind == "rank" else None,
                 "ranking": rng.choice([None, 34, 63]) if kind == "rank" else None,
                 "scale": None, "qualifier": rng.choice(["exact", "exact", "at_least"]), "evidence": "",
                 "is_target": 0} for n in range(rng.randint(1, 14))]
        assert [r["id"] for r in _clashing(rows)] == [r["id"] for r in walk(rows)], trial
