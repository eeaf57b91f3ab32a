"""Logged learning rates as a curve: ``type: data`` reads an lr series from a CSV file.

The CSV needs a header row. ``column`` names the lr column (optional when the file has a single
value column); ``step_column`` names the step column (default: a column called ``step``, ``Step``,
``_step``, ``global_step`` or ``iteration`` when there is one, else row ``i`` is step ``i``);
the file is read by :mod:`lrplot.logcsv`, as ReduceLROnPlateau's metric file is. A
relative ``path`` is relative to the config file. TensorBoard's CSV export (``Wall time, Step,
Value``) and W&B's (``Step, run - lr, ...``) work as they are; rows with an empty lr cell are
skipped; a step logged twice (a resumed run) keeps its last value.

As a series the logged values sit at their steps, straight lines join them (what a line plot of
the log would draw anyway), and steps before the first logged one are NaN (drawn as nothing,
skipped by the statistics). :func:`points` gives the values at the logged steps only, which is
what ``lrplot stats`` compares with the planned schedule.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping

from lrplot import logcsv
from lrplot.logcsv import CsvError as DataError  # a logged series that cannot be read
from lrplot.params import describe_value
from lrplot.schedules import Kind

if TYPE_CHECKING:
    import numpy as np

KEYS = ("type", "path", "column", "step_column", "label", "steps")
"""The keys a data curve accepts."""

_NAME = {"type": "string", "minLength": 1, "pattern": r"\S"}
KEY_HELP: dict[str, tuple[dict[str, Any], str]] = {
    "path": (_NAME, "A CSV file with a header row, relative to this config file."),
    "column": (_NAME, "The lr column of the CSV (optional when the file has one value "
                      "column)."),
    "step_column": (_NAME, "The step column of the CSV (default: a column named step, "
                           "global_step, iteration, ... when there is one, else row i is "
                           "step i)."),
}
"""JSON Schema and help of a data curve's own keys (the others are the figure's keys, declared
in :mod:`lrplot.configkeys`): :mod:`lrplot.schema` reads them here."""


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
    kernel="lrplot.logged:series",
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
    refusal = inputs.named_file_problem(path, config)
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


def points(params: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """The logged steps and lr values of a data curve's ``params`` (no interpolation)."""
    return _read(params["path"], params["column"], params["step_column"])


def resolve_columns(path: str, column: str | None,
                    step_column: str | None) -> tuple[str, str | None]:
    """The lr and step column names, defaulted and checked against the file's header."""
    return logcsv.series_columns(path, column, step_column)


def _read(path: str, column: str, step_column: str | None) -> tuple[np.ndarray, np.ndarray]:
    import numpy as np

    steps, values = logcsv.series(path, column, step_column)
    return np.array(steps, dtype=np.int64), np.array(values, dtype=float)
