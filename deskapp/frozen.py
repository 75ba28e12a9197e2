"""Read-only dicts and lists: what a frozen value (a :class:`deskapp.models.Pack`) holds.

They are real ``dict`` and ``list`` subclasses -- equal to plain ones, JSON-encoded like them,
accepted wherever a dict or list is read -- whose every change raises ``TypeError``. Any copy
(``copy.copy``, ``copy.deepcopy``, pickling, :func:`thaw`) is plain and changeable at every depth.
"""

from __future__ import annotations

from typing import Any, NoReturn, TypeVar

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")

READ_ONLY = "a pack from the store is read-only: change it with DeskStore.update, or copy it first"
_LEAVES = (str, int, float, bool, type(None))


class _Refusing:
    """Changes refused; copies thawed."""

    __slots__ = ()

    def _refuse(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError(READ_ONLY)

    def __reduce__(self) -> tuple[type, tuple[object]]:
        thawed = thaw(self)
        return (type(thawed), (thawed,))

    def __copy__(self) -> object:
        return thaw(self)

    def __deepcopy__(self, memo: dict[int, object]) -> object:
        return thaw(self)


class FrozenDict(_Refusing, dict[K, V]):
    """A dict that refuses every change (TypeError)."""

    __slots__ = ()
    __setitem__ = _Refusing._refuse
    __delitem__ = _Refusing._refuse
    __ior__ = _Refusing._refuse
    clear = _Refusing._refuse
    pop = _Refusing._refuse
    popitem = _Refusing._refuse
    setdefault = _Refusing._refuse
    update = _Refusing._refuse


class FrozenList(_Refusing, list[T]):
    """A list that refuses every change (TypeError)."""

    __slots__ = ()
    __setitem__ = _Refusing._refuse
    __delitem__ = _Refusing._refuse
    __iadd__ = _Refusing._refuse
    __imul__ = _Refusing._refuse
    append = _Refusing._refuse
    extend = _Refusing._refuse
    insert = _Refusing._refuse
    remove = _Refusing._refuse
    pop = _Refusing._refuse
    clear = _Refusing._refuse
    sort = _Refusing._refuse
    reverse = _Refusing._refuse


_NO_ITEMS: FrozenDict[Any, Any] = FrozenDict()
_NO_ENTRIES: FrozenList[Any] = FrozenList()


def freeze(value: Any) -> Any:
    """``value`` with every dict and list in it, at any depth, made read-only (copied; leaves shared)."""
    kind = type(value)
    if kind is FrozenDict or kind is FrozenList or kind in _LEAVES:
        return value
    if isinstance(value, dict):
        if not value:
            return _NO_ITEMS
        return FrozenDict({k: v if type(v) in _LEAVES else freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        if not value:
            return _NO_ENTRIES
        return FrozenList([v if type(v) in _LEAVES else freeze(v) for v in value])
    return value


def thaw(value: Any) -> Any:
    """A changeable deep copy of ``value``: plain dicts and lists at every depth."""
    if isinstance(value, dict):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, list):
        return [thaw(v) for v in value]
    return value
