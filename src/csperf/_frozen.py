"""An immutable, hashable mapping used inside the frozen value objects."""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
from typing import Any, TypeVar, overload

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")

__all__ = ["FrozenDict"]


class FrozenDict(Mapping[K, V]):
    """A read-only mapping that keeps insertion order and can be hashed.

    Equality is that of a dict (order does not matter); the hash is that of its items as a
    frozenset, so it agrees with equality.
    """

    __slots__ = ("_data", "_hash")

    def __init__(self, data: Mapping[K, V] | Any = ()) -> None:
        self._data: dict[K, V] = dict(data)
        self._hash: int | None = None

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    # the dict's own (read-only) views and lookups: Mapping's generic ones go through
    # __iter__ and __getitem__ for every item
    def __contains__(self, key: object) -> bool:
        return key in self._data

    @overload
    def get(self, key: K, /) -> V | None: ...
    @overload
    def get(self, key: K, default: V | T, /) -> V | T: ...
    def get(self, key: K, default: Any = None, /) -> Any:
        """The value of ``key``, or ``default``."""
        return self._data.get(key, default)

    def keys(self) -> KeysView[K]:
        """The keys, in insertion order."""
        return self._data.keys()

    def items(self) -> ItemsView[K, V]:
        """The ``(key, value)`` pairs, in insertion order."""
        return self._data.items()

    def values(self) -> ValuesView[V]:
        """The values, in insertion order."""
        return self._data.values()

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._data == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._data!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self._data,))
