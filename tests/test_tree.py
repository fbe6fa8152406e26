"""The rules of the tree, read from the code's own imports (every module of every package, found
afresh, so a package rewritten inside keeps being checked by the same rules):

- the stage packages import in one direction, the one the README draws (LAYERS);
- nothing below the store imports it, not even through another module;
- no import cycle, no import of another module's private name;
- no module over about 500 lines.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "pipeline"
MAX_LINES = 520   # "about 500"

# The groups of the tree and what each may import besides itself. `base` is the top-level
# modules every stage shares (models, textnorm, errors, clock, config, records, parallel, domain).
LAYERS: dict[str, set[str]] = {
    "base": set(),
    "parse": {"base"},
    "extract": {"base"},
    "store": {"base"},
    "process": {"base", "parse", "extract", "store"},
    "harvest": {"base", "process", "store"},
    "backfill": {"base", "process", "store", "harvest"},
    "factcheck": {"base", "extract", "store"},
    "research": {"base", "factcheck", "store"},
    "demo": {"base", "harvest", "store"},
    "evaluate": {"base", "parse", "extract"},
    "cli": {"base", "parse", "extract", "store", "process", "harvest", "backfill", "factcheck", "research", "demo",
            "evaluate"},
    "entry": {"cli"},
}
# The stages that come before the store in the data flow (fetch → archive → parse → extract).
BELOW_STORE = ("pipeline.parse", "pipeline.extract", "pipeline.harvest.fetch", "pipeline.harvest.archive",
               "pipeline.harvest.robots", "pipeline.harvest.urls", "pipeline.harvest.discover")
# The extractor is being rewritten by its owner; its package is held to the same rules, and where
# today's breaks one (a 1,264-line rules.py, a private name taken) it is reported (xfail) rather
# than failed until the rewrite lands. Remove it from here then.
BEING_REWRITTEN: set[str] = set()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def group_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1 or (len(parts) == 2 and parts[1] in ("models", "textnorm", "errors", "clock", "config",
                                                            "records", "parallel", "domain")):
        return "base"
    if parts[1] == "__main__":
        return "entry"
    return parts[1]


def _resolve(current: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = current.split(".")
    if not MODULES[current].name == "__init__.py":
        base = base[:-1]
    base = base[:len(base) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(module: str, text: str = "") -> list[tuple[str, str, int]]:
    """(imported module, name taken or '', line) for every import of a pipeline module, at any depth
    of the code (an import inside a function is an import all the same)."""
    tree = ast.parse(text or MODULES[module].read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, "", node.lineno) for a in node.names if a.name.split(".")[0] == "pipeline"]
        elif isinstance(node, ast.ImportFrom):
            source = _resolve(module, node)
            if source.split(".")[0] != "pipeline":
                continue
            for a in node.names:
                sub = f"{source}.{a.name}"
                out.append((sub, "", node.lineno) if sub in MODULES else (source, a.name, node.lineno))
    return out


GRAPH = {m: {target for target, _, _ in imports_of(m) if target in MODULES and target != m} for m in MODULES}


def _packages(tolerate_rewrite: bool = True) -> list:
    groups = sorted({group_of(m) for m in MODULES})
    return [pytest.param(g, marks=pytest.mark.xfail(reason="pipeline/extract is being rewritten", strict=False))
            if g in BEING_REWRITTEN and tolerate_rewrite else g for g in groups]


def test_every_group_of_the_tree_has_its_place_in_the_layers():
    unknown = sorted({group_of(m) for m in MODULES} - set(LAYERS))
    assert not unknown, f"new package(s) {unknown}: give each its place in LAYERS and in the README's drawing"


def test_the_stage_packages_import_in_one_direction():
    wrong = sorted(f"{m} imports {t} ({group_of(m)} → {group_of(t)})" for m, targets in GRAPH.items()
                   for t in targets if group_of(t) != group_of(m) and group_of(t) not in LAYERS[group_of(m)])
    assert not wrong, "\n".join(wrong)


def test_the_layers_form_no_loop():
    def reaches(a: str, b: str, seen: frozenset = frozenset()) -> bool:
        return any(n == b or (n not in seen and reaches(n, b, seen | {n})) for n in LAYERS[a])
    assert not [g for g in LAYERS if reaches(g, g)]


def _reach(start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for t in GRAPH[todo.pop()]:
            if t not in seen:
                seen.add(t)
                todo.append(t)
    return seen


def test_nothing_below_the_store_imports_it():
    below = [m for m in MODULES if m.startswith(BELOW_STORE)]
    assert len(below) >= 10   # the pattern still names the stages
    wrong = sorted(f"{m} reaches {t}" for m in below for t in _reach(m)
                   if t.startswith(("pipeline.store", "pipeline.process")))
    assert not wrong, "\n".join(wrong)


def _cycle_through(start: str, graph: dict[str, set[str]] = GRAPH) -> list[str]:
    """A loop of imports back to `start` through modules that sort after it (so each loop is
    found once, from its first module), or []."""
    path: list[str] = []
    dead: set[str] = set()

    def visit(m: str) -> bool:
        path.append(m)
        for t in sorted(graph[m]):
            if t == start or (t not in path and t not in dead and t > start and visit(t)):
                return True
        dead.add(path.pop())
        return False
    return path + [start] if visit(start) else []


@pytest.mark.parametrize("group", _packages(tolerate_rewrite=False))
def test_no_import_cycle(group):
    cycles = [_cycle_through(m) for m in MODULES if group_of(m) == group]
    cycles = [" → ".join(c) for c in cycles if c]
    assert not cycles, "\n".join(cycles)


def _private_uses(module: str, text: str = "") -> list[str]:
    text = text or MODULES[module].read_text(encoding="utf-8")
    found = [f"{module}:{line} takes {name} from {source}" for source, name, line in imports_of(module, text)
             if name.startswith("_") and not name.startswith("__")]
    # `furniture._key(...)` on an imported module is the same reach inside it
    tree = ast.parse(text)
    aliases = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and _resolve(module, node).startswith("pipeline"):
            aliases |= {a.asname or a.name for a in node.names if f"{_resolve(module, node)}.{a.name}" in MODULES}
        elif isinstance(node, ast.Import):
            aliases |= {a.asname for a in node.names if a.asname and a.name in MODULES}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases
                and node.attr.startswith("_") and not node.attr.startswith("__")):
            found.append(f"{module}:{node.lineno} uses {node.value.id}.{node.attr}")
    return found


@pytest.mark.parametrize("group", _packages())
def test_no_module_takes_another_modules_private_name(group):
    found = [use for m in MODULES if group_of(m) == group for use in _private_uses(m)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("group", _packages())
def test_no_module_over_about_500_lines(group):
    long = {m: n for m in MODULES if group_of(m) == group
            for n in [len(MODULES[m].read_text(encoding="utf-8").splitlines())] if n > MAX_LINES}
    assert not long, long


def test_the_rules_see_what_they_are_meant_to_see():
    """The checks above find the faults they look for, so a pass means something."""
    assert "pipeline.parse.html" in GRAPH["pipeline.parse.dispatch"]          # a lazy import is an import
    assert "pipeline.store" in _reach("pipeline.process")
    assert group_of("pipeline.models") == "base" and group_of("pipeline.harvest.fetch") == "harvest"
    faults = ("from pipeline.parse.charset import _finish\nfrom pipeline.parse import furniture\n"
              "def f():\n    return furniture._compiled('p')\n")
    assert len(_private_uses("pipeline.parse.html", faults)) == 2
    loop = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set()}
    assert _cycle_through("a", loop) == ["a", "b", "c", "a"] and _cycle_through("d", loop) == []


def test_the_readme_draws_every_package_and_names_every_module():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    drawing = re.search(r"```text\n(.*?)```", readme[readme.index("## The tree"):], re.S).group(1)
    stages = {g for g in LAYERS if g not in ("base", "entry")}
    assert stages <= set(re.findall(r"[a-z]+", drawing)), stages - set(re.findall(r"[a-z]+", drawing))
    missing = sorted(m for m, p in MODULES.items()
                     if group_of(m) not in BEING_REWRITTEN and p.name != "__init__.py" and f"`{p.name}`" not in readme)
    assert not missing, f"modules the README's tables do not name: {missing}"
