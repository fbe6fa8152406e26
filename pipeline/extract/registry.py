"""Where code constructions and candidate filters register by name, so that constructions.yaml can
name them (`code: group_list`, `filter: count_noun`) and the loader can check the names exist."""
from __future__ import annotations

from typing import Callable

FILTERS: dict[str, Callable] = {}
CODE: dict[str, Callable] = {}


def candidate_filter(name: str):
    """Register a check a pattern construction names in 'filter': fn(tagged, candidate) -> bool."""
    def wrap(fn):
        FILTERS[name] = fn
        return fn
    return wrap


def construction(name: str):
    """Register a code construction: fn(tagged, state, construction) -> list[Candidate]."""
    def wrap(fn):
        CODE[name] = fn
        return fn
    return wrap
