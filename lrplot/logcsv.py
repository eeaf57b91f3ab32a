"""CSV files of logged values: the one reader of a logged lr series (``type: data``,
:mod:`lrplot.logged`) and of ReduceLROnPlateau's ``metric_file``.

Both read the file the same way — UTF-8 with or without a BOM, through
:func:`lrplot.inputs.csv_rows` (no special files, bounded rows, cells and lines), a header row
of names, blank lines skipped — and agree on which columns are not values: a step column
(:data:`STEP_NAMES`) and bookkeeping columns (:data:`IGNORED`: wall time, epoch, ...). Pure
Python, so that checking a config needs no numpy; results are cached by the file's
modification time and size.
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
from typing import Iterator

STEP_NAMES = ("step", "_step", "global_step", "iteration", "iter")
"""Column names recognised as the step column when none is named (any case)."""

IGNORED = ("wall time", "walltime", "timestamp", "_runtime", "_timestamp", "time", "epoch")
"""Columns never taken as the value column by default."""

LR_NAMES = ("lr", "learning_rate", "value")
"""Among several value columns, the one of these names is the lr."""


class CsvError(ValueError):
    """A CSV file that cannot be read as asked; ``key`` is the config key to blame (``path``,
    ``column``, ``step_column``, or ``type`` when the column must be named)."""

    def __init__(self, key: str, message: str):
        self.key = key
        super().__init__(message)


def rows(path: str) -> Iterator[tuple[int, list[str]]]:
    """``(line, cells)`` of every row (lrplot.inputs: no special files, bounded rows and
    cells), with the reasons a file cannot be read as :class:`CsvError` on ``path``."""
    from lrplot import inputs, limits

    try:
        yield from inputs.csv_rows(path, limits.MAX_DATA_ROWS.value())
    except FileNotFoundError:
        raise CsvError("path", f"no such file: {path}") from None
    except IsADirectoryError:
        raise CsvError("path", f"{path} is a directory, not a CSV file") from None
    except OSError as exc:
        raise CsvError("path", f"cannot read {path}: {exc.strerror or exc}") from None
    except (inputs.InputFileError, limits.LimitError) as exc:
        raise CsvError("path", str(exc)) from None


def header(path: str) -> list[str]:
    """The column names of the header row, stripped."""
    found = rows(path)
    try:
        names = next(found, (0, None))[1]
    finally:
        found.close()
    if not names:
        raise CsvError("path", f"{path} is empty; expected a CSV file with a header row")
    return [h.strip() for h in names]


def listed(names: list[str]) -> str:
    """The column names for a message: a few, each a short escaped excerpt (a file that is no
    CSV must not be printed back through its 'header')."""
    from lrplot.inputs import excerpt

    shown = ", ".join(excerpt(h, 30) for h in names[:12])
    return shown + (f", ... ({len(names)} columns)" if len(names) > 12 else "")


def step_column(names: list[str]) -> str | None:
    """The step column of a header, by name (:data:`STEP_NAMES`); None: row i is step i."""
    return next((h for h in names if h.lower() in STEP_NAMES), None)


def value_columns(names: list[str], steps: str | None) -> list[str]:
    """The columns that may hold the values: not the step column, not bookkeeping
    (:data:`IGNORED`), not a logger's min/max band, not unnamed."""
    return [h for h in names if h and h != steps and h.lower() not in STEP_NAMES
            and h.lower() not in IGNORED and not h.endswith(("__MIN", "__MAX"))]


def check_column(path: str, names: list[str], column: str, key: str = "column") -> None:
    """Refuse a named column the file does not have (with the near miss)."""
    if column in names:
        return
    from lrplot.inputs import excerpt
    from lrplot.suggest import hint

    raise CsvError(key, f"{path} has no column {excerpt(column)}{hint(column, names)} "
                        f"(columns: {listed(names)})")


# -- a logged series: values at steps ------------------------------------------------------------


def series_columns(path: str, column: str | None,
                   steps: str | None) -> tuple[str, str | None]:
    """The lr and step column names of a logged series, defaulted and checked against the
    file's header."""
    names = header(path)
    if steps is not None:
        check_column(path, names, steps, "step_column")
    else:
        steps = step_column(names)
    if column is not None:
        check_column(path, names, column)
        return column, steps
    candidates = value_columns(names, steps)
    named_lr = [h for h in candidates if h.lower() in LR_NAMES]
    if len(candidates) == 1 or len(named_lr) == 1:
        return (candidates[0] if len(candidates) == 1 else named_lr[0]), steps
    raise CsvError("type", f"which column of {path} holds the lr? add 'column: NAME' "
                           f"(columns: {listed(names)})")


def series(path: str, column: str, steps: str | None) -> tuple[tuple[int, ...],
                                                               tuple[float, ...]]:
    """The logged steps (ascending) and values of ``column``: rows with an empty cell are
    skipped, a step logged twice keeps its last value; without a step column row i is step i.
    Every value must be a finite number and every step an integer in [0, MAX_STEPS)."""
    try:
        stamp = os.stat(path).st_mtime_ns
    except OSError:
        stamp = None
    return _series(path, column, steps, stamp)


@functools.lru_cache(maxsize=32)
def _series(path: str, column: str, steps: str | None,
            stamp: int | None) -> tuple[tuple[int, ...], tuple[float, ...]]:
    from lrplot import limits
    from lrplot.inputs import excerpt

    names = header(path)
    col = names.index(column)
    step_col = names.index(steps) if steps is not None else None
    values: dict[int, float] = {}
    last_step = limits.MAX_STEPS.default
    try:
        last_step = limits.MAX_STEPS.value()
    except limits.LimitError:
        pass  # reported where the steps are checked
    found = rows(path)
    next(found, None)
    row_index = -1
    with contextlib.closing(found):
        for line, row in found:
            if not any(cell.strip() for cell in row):
                continue  # a blank line is no row
            row_index += 1
            cell = row[col].strip() if col < len(row) else ""
            if not cell:
                continue
            try:
                lr = float(cell)
            except ValueError:
                raise CsvError("column", f"{path}:{line}: {excerpt(column)} is "
                                         f"{excerpt(cell)}, not a number") from None
            if not math.isfinite(lr):
                raise CsvError("column", f"{path}:{line}: {excerpt(column)} is "
                                         f"{excerpt(cell)}, not a finite number")
            if step_col is None:
                step = row_index
            else:
                assert steps is not None
                text = row[step_col].strip() if step_col < len(row) else ""
                try:
                    number = float(text)
                except ValueError:
                    raise CsvError("step_column", f"{path}:{line}: step {excerpt(steps)} "
                                                  f"is {excerpt(text)}, not a number") from None
                if not number.is_integer() or number < 0:
                    raise CsvError("step_column", f"{path}:{line}: step {excerpt(steps)} "
                                                  f"is {excerpt(text)}, not a step number (an "
                                                  "integer >= 0)")
                if number >= last_step:
                    raise CsvError("step_column", f"{path}:{line}: step {excerpt(text)} is "
                                   f"beyond the limit of {limits.count(last_step)} steps per "
                                   f"curve ({limits.MAX_STEPS.name})")
                step = int(number)
            values[step] = lr
    if not values:
        raise CsvError("column", f"{path} has no lr values in column {column!r}")
    ordered = tuple(sorted(values))
    return ordered, tuple(values[s] for s in ordered)


# -- a metric: one value per step() --------------------------------------------------------------


def metric_values(path: str, column: str | None) -> list[float]:
    """The metric column of a CSV file (a header row, then one row per step), as floats.

    Without ``column`` the file needs exactly one value column (:func:`value_columns`). Raises
    ValueError (:class:`CsvError`) with the row and column of the first problem.
    """
    stat = os.stat(path)
    return list(_metric(path, column, stat.st_mtime_ns, stat.st_size)[0])


def metric_problem(path: str, column: str | None) -> str | None:
    """The first metric value that is not a finite number, as a message, else None. torch
    would follow a NaN or an infinity (never better, always better) without a word; a logged
    metric that is one is a broken log, and it cannot be written as JSON."""
    stat = os.stat(path)
    values, lines, column = _metric(path, column, stat.st_mtime_ns, stat.st_size)
    for value, line in zip(values, lines):
        if not math.isfinite(value):
            from lrplot.inputs import excerpt

            return (f"{path}:{line}: column {excerpt(column)} holds {value!r}, not a finite "
                    "number")
    return None


@functools.lru_cache(maxsize=16)
def _metric(path: str, column: str | None, mtime: int,
            size: int) -> tuple[tuple[float, ...], tuple[int, ...], str]:
    from lrplot import inputs, limits

    # no FIFO, bounded; a file that cannot be opened raises OSError as it is (the kind's check
    # reports it at metric_file)
    found = list(inputs.csv_rows(path, limits.MAX_DATA_ROWS.value()))
    if not found:
        raise CsvError("path", f"{path} is empty; it needs a header row and one row per step")
    names = [h.strip() for h in found[0][1]]
    if column is None:
        candidates = value_columns(names, step_column(names))
        if len(candidates) != 1:
            raise CsvError("metric_column", f"{path} has columns {listed(names)}; name the "
                                             f"metric with metric_column")
        column = candidates[0]
    check_column(path, names, column, "metric_column")
    index = names.index(column)
    values, lines = [], []
    for line, row in found[1:]:
        if not any(cell.strip() for cell in row):
            continue
        cell = row[index] if index < len(row) else ""
        try:
            value = float(cell)
        except ValueError:
            raise CsvError("metric_column", f"{path}:{line}: column {inputs.excerpt(column)} "
                                            f"holds {inputs.excerpt(cell)}, not a number"
                           ) from None
        values.append(value)
        lines.append(line)
    if not values:
        raise CsvError("path", f"{path} has no rows of values")
    return tuple(values), tuple(lines), column
