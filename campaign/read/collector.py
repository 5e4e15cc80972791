"""Python's cyclic garbage collector, paused while the engine makes many objects that hold no
reference cycles (a query's projection and figures, a long batch of commands)."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator


@contextmanager
def collector_paused() -> Iterator[None]:
    """A query restores and computes hundreds of thousands of objects that make no reference
    cycles; Python's cyclic collector would rescan them again and again as they grow (a third
    of a snapshot's restore). Nothing is collected at the end: what a query makes is freed by
    reference counting."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
