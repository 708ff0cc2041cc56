"""Pickling: what a build keeps beside its environment for the next build
(:func:`read_kept`, :func:`write_kept`), and quicker pickling for the
frozen, slotted dataclasses kept in the saved environment (:class:`~papershelf.model.Entry`, ``Link``, ``Venue``).

For a slotted dataclass, ``dataclasses`` writes a ``__getstate__`` that asks
:func:`dataclasses.fields` for the field list on every call; a site of
10,000 papers saves some 50,000 of these objects after every build that read
a page.  The field names are taken once here instead.  The state is the same
sequence of values, so environments saved before load as they did.
"""

from __future__ import annotations

import dataclasses
import operator
import pickle
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def fast_pickling(cls: type[T]) -> type[T]:
    names = tuple(field.name for field in dataclasses.fields(cls))
    if len(names) < 2:
        return cls   # attrgetter of one name gives the value, not a tuple: keep the generated pair
    values = operator.attrgetter(*names)

    def __getstate__(self) -> tuple:   # noqa: N807
        return values(self)

    def __setstate__(self, state) -> None:   # noqa: N807
        for name, value in zip(names, state):
            object.__setattr__(self, name, value)

    cls.__getstate__ = __getstate__
    cls.__setstate__ = __setstate__
    return cls


def read_kept(path: Path, stamp: object) -> dict | None:
    """What a build kept at ``path`` for the next one (see :func:`write_kept`),
    or ``None`` when there is nothing usable: no file, a broken one, or one
    written under another ``stamp`` (other code, another language)."""
    try:
        with path.open("rb") as handle:
            stored = pickle.load(handle)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ValueError, TypeError):
        return None
    if not isinstance(stored, dict) or stored.get("stamp") != stamp or not isinstance(stored.get("kept"), dict):
        return None
    return stored["kept"]


def write_kept(path: Path, stamp: object, kept: dict) -> None:
    """Keep ``kept`` at ``path`` for the next build, whole or not at all (a
    build killed while writing leaves the last file); a failure only costs
    the next build the work."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".tmp")
        with temporary.open("wb") as handle:
            pickle.dump({"stamp": stamp, "kept": kept}, handle, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(path)
    except OSError:
        pass
