"""The cyclic garbage collector, paused while a command imports.

A command allocates most of its long-lived objects importing: click and yaml for every command,
numpy and matplotlib (a few hundred thousand objects) for one that draws. They live as long as
the process, but the collector would scan them again and again while they are created (40-60 ms
of drawing one figure, a tenth of it; 3-7 ms of ``lrplot --help``) and free nothing. So collect
nothing while importing, then freeze what was imported (``gc.freeze``): later collections skip
it, and garbage made afterwards is collected as usual.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No collection inside; afterwards everything alive is frozen and the collector is on again
    if it was on before."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if collecting:
            gc.enable()
