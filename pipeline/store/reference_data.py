"""Reference data in the database: the provinces (2004 codes, the 2025 merger) and the metric
vocabulary, loaded from pipeline/data/ into `subjects`, `subject_aliases` and `metrics`; and the
lookup of a name a researcher types ("Thanh Hoa", "tỉnh Thanh Hoá", "TP.HCM") among the stored
subjects, blind to every mark (textnorm.fold). The fact-checker's matching of a claim's subject
with a fact's (factcheck/names.py) keeps the tones, so Hà Nam and Hà Nội stay apart there.
"""
from __future__ import annotations

import csv
import difflib
import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipeline.textnorm import fold

DATA_DIR = Path(__file__).resolve().parents[1] / "data"   # pipeline/data, shared with the gazetteer
PROVINCES_CSV = DATA_DIR / "provinces.csv"
METRICS_CSV = DATA_DIR / "metrics.csv"

ALIASES_YAML = DATA_DIR / "province_aliases.yaml"   # the gazetteer's forms too (tests/test_names.py)


def _aliases() -> dict:
    with open(ALIASES_YAML, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


# Canonical names that differ from the 2004 list's spelling (spec: "Huế", not "Thừa Thiên Huế").
CANONICAL: dict[str, str] = _aliases()["canonical"]
# Other spellings seen in the press, folded (see fold()), for the canonical province name.
EXTRA_ALIASES: dict[str, list[str]] = {name: sorted({fold(a) for a in forms})
                                       for name, forms in _aliases()["aliases"].items()}
PROVINCE_PREFIXES = ("tinh ", "thanh pho ", "tp ", "thu do ")


_ABBREVIATIONS = {"tp": "thanh pho", "tx": "thi xa", "q": "quan", "h": "huyen"}


def _expand(key: str) -> str:
    """Spell out a leading abbreviation of a folded name: "tp lao cai" → "thanh pho lao cai"."""
    head, _, rest = key.partition(" ")
    return f"{_ABBREVIATIONS[head]} {rest}" if rest and head in _ABBREVIATIONS else key


def strip_prefix(key: str) -> str:
    """Drop one administrative prefix (tỉnh, thành phố, TP.) from a folded name."""
    for prefix in PROVINCE_PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix):]
    return key


@dataclass(frozen=True)
class Province:
    code: str
    name: str               # canonical, as facts name it before 2025
    name_2025: str          # the province it became (itself when it was kept)
    centrally_run_2025: bool

    @property
    def merged(self) -> bool:
        return self.name != self.name_2025


def provinces(path: Path = PROVINCES_CSV) -> list[Province]:
    out = []
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            name = CANONICAL.get(row["name_until_2025"], row["name_until_2025"])
            out.append(Province(code=row["code_2004"], name=name,
                                name_2025=CANONICAL.get(row["name_from_2025"], row["name_from_2025"]),
                                centrally_run_2025=row["centrally_run_city_from_2025"] == "yes"))
    return out


def metrics(path: Path = METRICS_CSV) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _digest() -> str:
    h = hashlib.sha256()
    for p in (PROVINCES_CSV, METRICS_CSV, ALIASES_YAML):
        h.update(p.read_bytes())
    h.update(repr((CANONICAL, EXTRA_ALIASES)).encode())
    return h.hexdigest()


def ensure_loaded(db) -> bool:
    """Load the reference data unless this exact version is already in; True when it loaded.

    Upserts, so subjects and metrics that facts created first keep their rows and gain codes.
    """
    conn = db.conn
    conn.execute("CREATE TABLE IF NOT EXISTS _reference_data (name TEXT PRIMARY KEY, digest TEXT)")
    digest = _digest()
    row = conn.execute("SELECT digest FROM _reference_data WHERE name = 'provinces+metrics'").fetchone()
    if row and row[0] == digest:
        return False
    conn.execute("BEGIN IMMEDIATE")
    try:
        for p in provinces():
            conn.execute(
                """INSERT INTO subjects(name, type, province, code, name_2025, centrally_run, merged_2025, origin)
                   VALUES (?, 'province', NULL, ?, ?, ?, ?, 'reference')
                   ON CONFLICT(name, type) DO UPDATE SET code = excluded.code,
                     name_2025 = excluded.name_2025, centrally_run = excluded.centrally_run,
                     merged_2025 = excluded.merged_2025, origin = 'reference'""",
                # centrally_run describes the 2025 unit, so only a province that was kept has it
                (p.name, p.code, p.name_2025, None if p.merged else int(p.centrally_run_2025), int(p.merged)))
            for alias in {fold(p.name), *EXTRA_ALIASES.get(p.name, [])}:
                conn.execute("INSERT OR REPLACE INTO subject_aliases VALUES (?, ?, 'province')", (alias, p.name))
        conn.execute("""INSERT INTO subjects(name, type, origin) VALUES ('Việt Nam', 'country', 'reference')
                        ON CONFLICT(name, type) DO UPDATE SET origin = 'reference'""")
        for alias in ("viet nam", "ca nuoc"):
            conn.execute("INSERT OR REPLACE INTO subject_aliases VALUES (?, 'Việt Nam', 'country')", (alias,))
        for m in metrics():
            conn.execute(
                """INSERT INTO metrics(id, name_vi, pillar, description, vocabulary) VALUES (?, ?, ?, ?, 1)
                   ON CONFLICT(id) DO UPDATE SET name_vi = excluded.name_vi, pillar = excluded.pillar,
                     description = excluded.description, vocabulary = 1""",
                (m["id"], m["name_vi"], m["pillar"] or None, m["description"]))
        conn.execute("INSERT OR REPLACE INTO _reference_data VALUES ('provinces+metrics', ?)", (digest,))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return True


_FOLDED: dict[str, tuple[tuple, dict[str, list[tuple[str, str]]]]] = {}


def _folded_subjects(db) -> dict[str, list[tuple[str, str]]]:
    """Folded name → subjects, rebuilt only when the subjects table changed (a cheap stamp)."""
    stamp = tuple(db.execute("SELECT count(*), max(rowid), total(length(name)) FROM subjects").fetchone())
    path = db.execute("PRAGMA database_list").fetchone()[2] or f"memory:{id(db.conn)}"
    cached = _FOLDED.get(path)
    if cached and cached[0] == stamp:
        return cached[1]
    by_key: dict[str, list[tuple[str, str]]] = {}
    for name, type_ in db.execute("SELECT name, type FROM subjects"):
        by_key.setdefault(_expand(fold(name)), []).append((name, type_))
    _FOLDED[path] = (stamp, by_key)
    return by_key


def resolve_subject(db, text: str) -> list[tuple[str, str]]:
    """The stored subjects (name, type) a typed name means, spelling-blind.

    An exact folded match wins ("thành phố Lào Cai" is the district); otherwise the name
    without its prefix is looked up among provinces and aliases ("tỉnh Lào Cai", "TP.HCM").
    """
    key = fold(text)
    if not key:
        return []
    by_key = _folded_subjects(db)
    found = list(by_key.get(_expand(key), []))
    for name, type_ in db.execute("SELECT name, type FROM subject_aliases WHERE alias = ?", [key]):
        if (name, type_) not in found:
            found.append((name, type_))
    if found:
        return found
    bare = strip_prefix(key)
    found = [s for s in by_key.get(bare, []) if s[1] == "province"]
    found += [tuple(r) for r in db.execute("SELECT name, type FROM subject_aliases WHERE alias = ?", [bare])
              if tuple(r) not in found]
    if found:
        return found
    # a district named without its prefix ("Bắc Hà" for "huyện Bắc Hà")
    return [s for k, subjects in by_key.items() if _strip_local(k) == bare
            for s in subjects if s[1] == "district"]


_LOCAL_PREFIXES = ("huyen ", "thi xa ", "thanh pho ", "quan ", "thi tran ")


def _strip_local(key: str) -> str:
    for prefix in _LOCAL_PREFIXES:
        if key.startswith(prefix):
            return key[len(prefix):]
    return key


def suggest_subjects(db, text: str, n: int = 3) -> list[str]:
    """Close stored names for a name that matched nothing, for the error message."""
    names = [r[0] for r in db.execute("SELECT DISTINCT name FROM subjects")]
    keys = {fold(n_): n_ for n_ in names}
    return [keys[k] for k in difflib.get_close_matches(strip_prefix(fold(text)), list(keys), n=n, cutoff=0.6)]
