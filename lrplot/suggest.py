"""The near miss of a misspelt name: "did you mean ...?" in every error that lists choices."""

from __future__ import annotations

from typing import Iterable


def closest(word: str, options: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The option most like ``word`` (difflib's ratio >= ``cutoff``), or None."""
    import difflib  # only on error

    close = difflib.get_close_matches(word, list(options), n=1, cutoff=cutoff)
    return close[0] if close else None


def hint(word: str, options: Iterable[str], cutoff: float = 0.6) -> str:
    """``"; did you mean 'x'?"`` after a message about ``word``, or "" without a near miss."""
    close = closest(word, options, cutoff)
    return f"; did you mean {close!r}?" if close else ""
