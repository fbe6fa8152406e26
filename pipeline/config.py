"""Load and validate sources.yaml: unknown keys, wrong types and bad regexes are errors that
name the file, the entry and the fix."""
from __future__ import annotations

import dataclasses
import re
import typing
from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import ConfigError
from pipeline.models import Settings, SourceConfig, SourcesFile

DEFAULT_SOURCES = "sources.yaml"
MIN_DELAY = 1.0
REGEX_FIELDS = ("allow", "follow")


def _fields(cls) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    return {f.name: (hints[f.name], f) for f in dataclasses.fields(cls)}


def _type_ok(value: Any, hint: Any) -> bool:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Union:
        return any(_type_ok(value, a) for a in args)
    if hint is type(None):
        return value is None
    if origin is list:
        return isinstance(value, list) and all(_type_ok(v, args[0]) for v in value)
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)


def _type_name(hint: Any) -> str:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is typing.Union:
        return " or ".join(_type_name(a) for a in args if a is not type(None))
    if origin is list:
        return f"a list of {_type_name(args[0])}s"
    return {str: "string", float: "number", int: "integer", bool: "true/false"}.get(hint, str(hint))


def _build(cls, data: Any, where: str, path: str):
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: {where} must be a mapping of keys to values")
    spec = _fields(cls)
    unknown = sorted(set(data) - set(spec))
    if unknown:
        raise ConfigError(f"{path}: {where}: unknown key {unknown[0]!r}; "
                          f"known keys are {', '.join(sorted(spec))}")
    kwargs = {}
    for name, (hint, f) in spec.items():
        if name not in data:
            required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            if required:
                raise ConfigError(f"{path}: {where}: missing required key {name!r}")
            continue
        value = data[name]
        if dataclasses.is_dataclass(hint):   # a nested mapping (a source's `examples`)
            kwargs[name] = _build(hint, value, f"{where}: {name}", path)
            continue
        if typing.get_origin(hint) is list and isinstance(value, str):
            value = [value]  # a single string where a list is expected is a one-item list
        if not _type_ok(value, hint):
            raise ConfigError(f"{path}: {where}: {name!r} must be {_type_name(hint)}, "
                              f"not {type(value).__name__} {value!r}")
        kwargs[name] = value
    return cls(**kwargs)


def parse_sources(data: Any, path: str = DEFAULT_SOURCES) -> SourcesFile:
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping with 'settings' and 'sources'")
    unknown = sorted(set(data) - {"settings", "sources"})
    if unknown:
        raise ConfigError(f"{path}: unknown top-level key {unknown[0]!r}; "
                          "the file has 'settings' and 'sources'")
    if "settings" not in data:
        raise ConfigError(f"{path}: missing 'settings' (at least user_agent and allow_hosts)")
    settings = _build(Settings, data["settings"], "settings", path)
    if not settings.user_agent.strip():
        raise ConfigError(f"{path}: settings: user_agent must name the crawler and a contact URL")
    _check_settings(settings, path)
    raw_sources = data.get("sources")
    if not isinstance(raw_sources, list) or not raw_sources:
        raise ConfigError(f"{path}: 'sources' must be a non-empty list of source entries")
    sources, seen = [], set()
    for i, entry in enumerate(raw_sources):
        label = f"source #{i + 1}"
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            label = f"source {entry['name']!r}"
        src = _build(SourceConfig, entry, label, path)
        if src.name in seen:
            raise ConfigError(f"{path}: {label}: the name is used twice; give each source its own name")
        seen.add(src.name)
        for fname in REGEX_FIELDS:
            for pattern in getattr(src, fname):
                try:
                    re.compile(pattern)
                except re.error as e:
                    raise ConfigError(f"{path}: {label}: {fname} regex {pattern!r} is invalid ({e}); "
                                      "fix the pattern (escape '.', '?', '(' with a backslash)") from None
        if not src.start_urls and not src.feeds and not src.sitemaps:
            raise ConfigError(f"{path}: {label}: give at least one of start_urls, feeds, sitemaps")
        for url in src.start_urls + src.feeds + src.sitemaps:
            if not re.match(r"https?://", url):
                raise ConfigError(f"{path}: {label}: {url!r} is not an http(s) URL")
        for kind in ("documents", "listings", "rejected"):
            for url in getattr(src.examples, kind):
                if not re.match(r"https?://", url):
                    raise ConfigError(f"{path}: {label}: examples: {kind}: {url!r} is not an http(s) URL")
        if src.delay < MIN_DELAY and not _all_allowed_hosts(src, settings):
            raise ConfigError(f"{path}: {label}: delay {src.delay} is below the polite minimum of "
                              f"{MIN_DELAY} second; raise it")
        sources.append(src)
    return SourcesFile(settings=settings, sources=sources, path=path)


# settings that must be above zero (a zero timeout fails every request) or at least zero
_POSITIVE = ("timeout_connect", "timeout_read", "deadline", "max_bytes", "max_redirects", "retry_after_cap",
             "revalidate_days")
_NOT_NEGATIVE = ("retries", "backoff")


def _check_settings(settings: Settings, path: str) -> None:
    """Numbers that would make every fetch fail, or wait forever, are errors naming the fix."""
    defaults = Settings(user_agent="x")
    for name in _POSITIVE:
        value = getattr(settings, name)
        if value <= 0:
            raise ConfigError(f"{path}: settings: {name} is {value:g}; it must be above 0 "
                              f"(the default is {getattr(defaults, name):g}), or leave it out")
    for name in _NOT_NEGATIVE:
        value = getattr(settings, name)
        if value < 0:
            raise ConfigError(f"{path}: settings: {name} is {value:g}; it must be 0 or more "
                              f"(the default is {getattr(defaults, name):g}), or leave it out")


def _all_allowed_hosts(src: SourceConfig, settings: Settings) -> bool:
    """Local test hosts (settings.allow_hosts) may be crawled faster than public ones."""
    from urllib.parse import urlsplit
    hosts = {urlsplit(u).hostname for u in src.start_urls + src.feeds + src.sitemaps}
    return bool(hosts) and hosts <= set(settings.allow_hosts)


def load_sources(path: str | Path = DEFAULT_SOURCES) -> SourcesFile:
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"{path}: no such sources file; pass --sources FILE or create it "
                          "(see sources.yaml in the project root)")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}: not valid YAML{where}: {getattr(e, 'problem', e)}; "
                          "fix the indentation or quoting there") from None
    return parse_sources(data, str(path))


def select_sources(sf: SourcesFile, names: list[str] | tuple[str, ...]) -> list[SourceConfig]:
    if not names:
        return [s for s in sf.sources if s.enabled]
    by_name = {s.name: s for s in sf.sources}
    missing = [n for n in names if n not in by_name]
    if missing:
        raise ConfigError(f"{sf.path}: no source named {missing[0]!r}; "
                          f"choose from {', '.join(sorted(by_name))}")
    return [by_name[n] for n in names]
