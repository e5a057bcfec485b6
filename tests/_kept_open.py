"""``KeptOpen``: stores and apps the backend-parametrized session fixtures open once."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TypeVar, cast

T = TypeVar("T")


class KeptOpen:
    """What the backend-parametrized session fixtures open, one per key, until the session ends.

    pytest tears a parametrized session fixture down whenever the next test wants another
    parameter, and an xdist worker gets each file's tests backend by backend: the shared
    Virtuoso was loaded again (2-3 s) seven times a run, the rdflib store copied again, and
    each app over them made and started again."""

    def __init__(self, stack: contextlib.ExitStack) -> None:
        self._stack = stack
        self._opened: dict[tuple[str, str], object] = {}

    def get(
        self, key: tuple[str, str], open_: Callable[[], contextlib.AbstractContextManager[T]]
    ) -> T:
        """The thing ``open_()`` enters for ``key``: entered the first time, reused after."""
        if key not in self._opened:
            self._opened[key] = self._stack.enter_context(open_())
        return cast(T, self._opened[key])
