"""Problems found while building a figure: the :class:`ProblemList` that collects them with their
locations, and the caps of :mod:`lrplot.limits` (curves, text, steps, points) as problems."""

from __future__ import annotations

from typing import Any, Callable, Sequence

from lrplot import limits
from lrplot.figspec import Curve
from lrplot.problems import Problem, SpecError


class ProblemList:
    """Collects problems; ``where(path)`` turns a key path into a location string."""

    def __init__(self, where: Callable[[tuple], str]):
        self.problems: list[Problem] = []
        self.where = where
        self.seen: set[Problem] = set()

    def add(self, path: tuple, message: str) -> None:
        problem = Problem(self.where(path), message)
        if problem not in self.seen:  # a sweep's curves share their problems: report once
            self.seen.add(problem)
            self.problems.append(problem)

    def raise_if_any(self) -> None:
        if self.problems:
            raise SpecError(self.problems)


def key_path(path: Sequence[Any]) -> str:
    """``panels[0].curves[1].gamma`` for the path ``("panels", 0, "curves", 1, "gamma")``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def limit_value(name: str, problems: ProblemList) -> int:
    """The cap ``limits.NAME`` in force; a malformed variable is reported, the default used."""
    limit = getattr(limits, name)
    try:
        return limit.value()
    except limits.LimitError as exc:
        problems.problems.append(Problem("", str(exc)))
        return limit.default


def check_curves(planned: int, report: Callable[[str], None]) -> None:
    """Report when ``planned`` curves are more than a figure may hold."""
    try:
        message = limits.curves_problem(planned)
    except limits.LimitError as exc:
        message = str(exc)
    if message:
        report(message)


def check_text(text: str, report: Callable[[str], None]) -> None:
    """Report a title or label longer than a figure may show."""
    try:
        message = limits.text_problem(text)
    except limits.LimitError as exc:
        message = str(exc)
    if message:
        report(message)


def limit_problems(curves: Sequence[Curve], locate: Callable[[Curve], str],
                   figure_where: str) -> list[Problem]:
    """Curves over the caps of :mod:`lrplot.limits` (steps per curve, then points per figure);
    each message says what the run would cost."""
    found: dict[tuple[str, str], Problem] = {}
    try:
        for c in curves:
            message = limits.steps_problem(c.steps, c.auto_steps)
            if message:
                problem = Problem(locate(c), message)
                found.setdefault((problem.where, problem.message), problem)
        if not found:
            message = limits.points_problem([c.steps for c in curves])
            if message:
                return [Problem(figure_where, message)]
    except limits.LimitError as exc:
        return [Problem("", str(exc))]
    return list(found.values())
