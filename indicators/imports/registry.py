"""The kinds of import, in the order the upload form offers them. A new kind is a module beside
this one declaring its `KIND`, added here."""

from __future__ import annotations

from . import actions, comparators, definitions, exceptions, targets, values
from .base import Column, ImportFileError, Kind

REGISTRY: dict[str, Kind] = {
    kind.name: kind
    for kind in (values.KIND, exceptions.KIND, targets.KIND, definitions.KIND, comparators.KIND, actions.KIND)
}
KINDS: dict[str, tuple[Column, ...]] = {name: kind.columns for name, kind in REGISTRY.items()}
LABELS: dict[str, str] = {name: kind.label for name, kind in REGISTRY.items()}


def kind_named(name: str) -> Kind:
    try:
        return REGISTRY[name]
    except KeyError:
        raise ImportFileError(f"Unknown kind of import: {name}") from None
