"""Quicker pickling for the frozen, slotted dataclasses kept in the saved
environment (:class:`~papershelf.model.Entry`, ``Link``, ``Venue``).

For a slotted dataclass, ``dataclasses`` writes a ``__getstate__`` that asks
:func:`dataclasses.fields` for the field list on every call; a site of
10,000 papers saves some 50,000 of these objects after every build that read
a page.  The field names are taken once here instead.  The state is the same
sequence of values, so environments saved before load as they did.
"""

from __future__ import annotations

import dataclasses
import operator
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
