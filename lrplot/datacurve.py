"""Logged learning rates as a curve: ``type: data`` reads an lr series from a CSV file.

The CSV needs a header row. ``column`` names the lr column (optional when the file has a single
value column); ``step_column`` names the step column (default: a column called ``step``, ``Step``,
``_step``, ``global_step`` or ``iteration`` when there is one, else row ``i`` is step ``i``). A
relative ``path`` is relative to the config file. TensorBoard's CSV export (``Wall time, Step,
Value``) and W&B's (``Step, run - lr, ...``) work as they are; rows with an empty lr cell are
skipped; a step logged twice (a resumed run) keeps its last value.

As a series the logged values sit at their steps, straight lines join them (what a line plot of
the log would draw anyway), and steps before the first logged one are NaN (drawn as nothing,
skipped by the statistics). :func:`logged` gives the values at the logged steps only, which is
what ``lrplot stats`` compares with the planned schedule.
"""

from __future__ import annotations

import contextlib
import functools
import math
import os
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping

from lrplot.params import describe_value
from lrplot.schedules import Kind

if TYPE_CHECKING:
    import numpy as np

    from lrplot.spec import Curve

KEYS = ("type", "path", "column", "step_column", "label", "steps")
"""The keys a data curve accepts."""

STEP_NAMES = ("step", "_step", "global_step", "iteration", "iter")
"""Column names recognised as the step column when ``step_column`` is not given (any case)."""

IGNORED = ("wall time", "walltime", "timestamp", "_runtime", "_timestamp", "time", "epoch")
"""Columns never taken as the lr column by default."""


class DataError(ValueError):
    """A logged series that cannot be read; ``key`` is the config key to blame."""

    def __init__(self, key: str, message: str):
        self.key = key
        super().__init__(message)


def _horizon(params: Mapping[str, Any]) -> tuple[int, str]:
    steps, _ = _read(params["path"], params["column"], params["step_column"])
    return int(steps[-1]) + 1, "the logged steps"


def series(n: int, base_lr: float, path: str, column: str, step_column: str | None,
           chunk: int | None = None) -> Iterator[np.ndarray]:
    """The kernel of a data curve: ``lr[0..n-1]`` interpolated between logged steps."""
    import numpy as np

    steps, values = _read(path, column, step_column)
    grid = np.arange(n, dtype=float)
    dense = np.interp(grid, steps.astype(float), values, left=np.nan, right=np.nan)
    yield dense


DATA = Kind(
    name="data",
    framework_class="CSV",
    summary="a logged lr series read from a CSV file",
    params=(),
    kernel="lrplot.datacurve:series",
    horizon=_horizon,
    framework="data",
)
"""The pseudo-kind of logged curves (not registered: no command, not in ``lrplot list``)."""


def build(data: Mapping[str, Any], base_dir: str,
          error: Callable[[str, str], None], config: str | None = None) -> dict[str, Any] | None:
    """Validate a ``type: data`` curve mapping; return its params, or None after
    ``error(key, message)``.

    ``config``: the config file that names the CSV, which must then lie in its directory
    (:func:`lrplot.inputs.outside_problem`)."""
    from lrplot import inputs

    ok = True
    for key in data:
        if key not in KEYS:
            error(key, f"unknown key {key!r} in a data curve (accepted: {', '.join(KEYS)})")
            ok = False
    texts = {}
    for key in ("path", "column", "step_column"):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            error(key, f"expected text, got {describe_value(value)}")
            ok = False
        texts[key] = value
    if texts["path"] is None:
        error("type", "a data curve needs 'path' (a CSV file with a header row)")
        return None
    if not ok:
        return None
    path = os.path.normpath(os.path.join(base_dir, os.path.expanduser(texts["path"])))
    refusal = inputs.regular_problem(path) or (
        inputs.outside_problem(path, config) if config else None)
    if refusal:
        error("path", refusal)
        return None
    if not os.path.isfile(path):  # named as written, and where it was looked for
        written = texts["path"]
        where = f" (relative to {base_dir})" if base_dir and not os.path.isabs(written) else ""
        what = "is a directory, not a CSV file" if os.path.isdir(path) else "no such file"
        error("path", f"{what}: {written!r}{where}")
        return None
    try:
        column, step_column = resolve_columns(path, texts["column"], texts["step_column"])
        _read(path, column, step_column)
    except DataError as exc:
        error(exc.key, str(exc))
        return None
    return {"path": path, "column": column, "step_column": step_column}


def logged(curve: Curve) -> tuple[np.ndarray, np.ndarray]:
    """The logged steps and lr values of a data curve (no interpolation)."""
    p = curve.params
    return _read(p["path"], p["column"], p["step_column"])


def _rows(path: str) -> Iterator[tuple[int, list[str]]]:
    """The rows of the CSV file (lrplot.inputs: no special files, bounded rows and cells)."""
    from lrplot import inputs, limits

    try:
        yield from inputs.csv_rows(path, limits.MAX_DATA_ROWS.value())
    except FileNotFoundError:
        raise DataError("path", f"no such file: {path}") from None
    except IsADirectoryError:
        raise DataError("path", f"{path} is a directory, not a CSV file") from None
    except OSError as exc:
        raise DataError("path", f"cannot read {path}: {exc.strerror or exc}") from None
    except (inputs.InputFileError, limits.LimitError) as exc:
        raise DataError("path", str(exc)) from None


def _header(path: str) -> list[str]:
    rows = _rows(path)
    try:
        header = next(rows, (0, None))[1]
    finally:
        rows.close()
    if not header:
        raise DataError("path", f"{path} is empty; expected a CSV file with a header row")
    return [h.strip() for h in header]


def _listed(header: list[str]) -> str:
    """The column names for a message: a few, each a short escaped excerpt (a file that is no
    CSV must not be printed back through its 'header')."""
    from lrplot.inputs import excerpt

    shown = ", ".join(excerpt(h, 30) for h in header[:12])
    return shown + (f", ... ({len(header)} columns)" if len(header) > 12 else "")


def resolve_columns(path: str, column: str | None,
                    step_column: str | None) -> tuple[str, str | None]:
    """The lr and step column names, defaulted and checked against the file's header."""
    from lrplot.inputs import excerpt

    header = _header(path)
    listed = _listed(header)
    if step_column is not None and step_column not in header:
        raise DataError("step_column", f"{path} has no column {excerpt(step_column)} "
                                       f"(columns: {listed})")
    if step_column is None:
        step_column = next((h for h in header if h.lower() in STEP_NAMES), None)
    if column is not None:
        if column not in header:
            import difflib

            close = difflib.get_close_matches(column, header, n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise DataError("column", f"{path} has no column {excerpt(column)}{hint} "
                                      f"(columns: {listed})")
        return column, step_column
    candidates = [h for h in header if h != step_column and h.lower() not in IGNORED
                  and not h.endswith(("__MIN", "__MAX"))]
    named_lr = [h for h in candidates if h.lower() in ("lr", "learning_rate", "value")]
    if len(candidates) == 1 or len(named_lr) == 1:
        return (candidates[0] if len(candidates) == 1 else named_lr[0]), step_column
    raise DataError("type", f"which column of {path} holds the lr? add 'column: NAME' "
                            f"(columns: {listed})")


def _read(path: str, column: str, step_column: str | None) -> tuple[np.ndarray, np.ndarray]:
    try:
        stamp = os.stat(path).st_mtime_ns
    except OSError:
        stamp = None
    return _read_cached(path, column, step_column, stamp)


@functools.lru_cache(maxsize=32)
def _read_cached(path: str, column: str, step_column: str | None,
                 stamp: int | None) -> tuple[np.ndarray, np.ndarray]:
    import numpy as np

    from lrplot import limits
    from lrplot.inputs import excerpt

    header = _header(path)
    col = header.index(column)
    step_col = header.index(step_column) if step_column is not None else None
    values: dict[int, float] = {}
    last_step = limits.MAX_STEPS.default
    try:
        last_step = limits.MAX_STEPS.value()
    except limits.LimitError:
        pass  # reported where the steps are checked
    rows = _rows(path)
    next(rows, None)
    row_index = -1
    with contextlib.closing(rows):
        for line, row in rows:
            if not any(cell.strip() for cell in row):
                continue  # a blank line is no row
            row_index += 1
            cell = row[col].strip() if col < len(row) else ""
            if not cell:
                continue
            try:
                lr = float(cell)
            except ValueError:
                raise DataError("column", f"{path}:{line}: {excerpt(column)} is "
                                          f"{excerpt(cell)}, not a number") from None
            if not math.isfinite(lr):
                raise DataError("column", f"{path}:{line}: {excerpt(column)} is "
                                          f"{excerpt(cell)}, not a finite number")
            if step_col is None:
                step = row_index
            else:
                text = row[step_col].strip() if step_col < len(row) else ""
                try:
                    number = float(text)
                except ValueError:
                    raise DataError("step_column", f"{path}:{line}: step {excerpt(step_column)} "
                                                   f"is {excerpt(text)}, not a number") from None
                if not number.is_integer() or number < 0:
                    raise DataError("step_column", f"{path}:{line}: step {excerpt(step_column)} "
                                                   f"is {excerpt(text)}, not a step number (an "
                                                   "integer >= 0)")
                if number >= last_step:
                    raise DataError("step_column", f"{path}:{line}: step {excerpt(text)} is "
                                    f"beyond the limit of {limits.count(last_step)} steps per "
                                    f"curve ({limits.MAX_STEPS.name})")
                step = int(number)
            values[step] = lr
    if not values:
        raise DataError("column", f"{path} has no lr values in column {column!r}")
    steps = np.array(sorted(values), dtype=np.int64)
    return steps, np.array([values[s] for s in steps.tolist()], dtype=float)
