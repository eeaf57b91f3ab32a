"""Series to CSV and JSON. Numbers are written with ``repr``: the shortest text that reads back
as the identical float, so the files carry the exact values.

Both writers stream: they take the series block by block (:func:`lrplot.compute.aligned`,
``Series.chunks``) and write each block's text before computing the next, so a run of 10^8
steps needs memory for one block, never for the whole file. The bytes are exactly those of
formatting everything at once (``json.dumps`` of the whole document, for JSON).
"""

from __future__ import annotations

import json
from typing import IO, Iterator

import numpy as np

from lrplot.compute import PanelSeries, Series, aligned

BLOCK = 1 << 16
"""Rows formatted at a time: the text of one block, and its Python strings, stay a few MiB."""


def _columns(panels: list[PanelSeries]) -> list[tuple[str, Series]]:
    many = len(panels) > 1
    columns = []
    for panel in panels:
        for s in panel.series:
            name = f"{panel.title}: {s.label}" if many and panel.title else s.label
            columns.append((name, s))
            for extra, e in s.extras.items():  # momentum / metric after the curve's lr
                columns.append((f"{name}: {extra}", e))
    return columns


def write_csv(panels: list[PanelSeries], stream: IO[bytes]) -> None:
    """A ``step`` column, then one column per curve; a shorter curve leaves its cells empty."""
    columns = _columns(panels)
    stream.write((",".join(["step"] + [_csv_field(name) for name, _ in columns]) + "\n").encode())
    for start, pieces in aligned([s for _, s in columns], BLOCK):
        rows = max(len(p) for p in pieces)
        cells = [_reprs(p) + [""] * (rows - len(p)) for p in pieces]
        steps = map(str, range(start, start + rows))
        stream.write(("\n".join(map(",".join, zip(steps, *cells))) + "\n").encode())


def _reprs(values: np.ndarray) -> list[str]:
    if np.isnan(values).any():  # only in extra series (plateau's metric before its first step)
        return [repr(v) if v == v else "" for v in values.tolist()]
    return list(map(repr, values.tolist()))


def _csv_field(text: str) -> str:
    if any(c in text for c in ',"\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_json(panels: list[PanelSeries], stream: IO[bytes]) -> None:
    """``{"panels": [{"title", "curves": [{"label", "schedule", "lr": [...]}]}]}``, streamed: the
    same bytes as ``json.dumps`` of the whole document (and the same refusal of NaN/infinity)."""
    def dump(value) -> str:
        return json.dumps(value, allow_nan=False)

    stream.write(b'{"panels": [')
    for p, panel in enumerate(panels):
        stream.write(((", " if p else "") + f'{{"title": {dump(panel.title)}, "curves": [')
                     .encode())
        for c, s in enumerate(panel.series):
            stream.write(((", " if c else "") + f'{{"label": {dump(s.label)}, '
                          f'"schedule": {dump(s.schedule)}, "lr": [').encode())
            for i, text in enumerate(_json_numbers(s)):
                stream.write(((", " if i else "") + text).encode())
            for extra, e in s.extras.items():  # "momentum": [...], "metric": [...]
                stream.write(f'], {dump(extra)}: ['.encode())
                for i, text in enumerate(_json_numbers(e, nan_as_null=True)):
                    stream.write(((", " if i else "") + text).encode())
            stream.write(b"]}")
        stream.write(b"]}")
    stream.write(b"]}\n")


def _json_numbers(s: Series, nan_as_null: bool = False) -> Iterator[str]:
    """The series as comma-separated JSON numbers, block by block (an extra series may hold NaN
    where it has no value, written as null)."""
    for piece in s.chunks(BLOCK):
        if nan_as_null and np.isnan(piece).any():
            if np.isinf(piece).any():
                raise ValueError("Out of range float values are not JSON compliant")
            yield ", ".join("null" if v != v else repr(v) for v in piece.tolist())
            continue
        if not np.isfinite(piece).all():
            raise ValueError("Out of range float values are not JSON compliant")
        yield ", ".join(map(float.__repr__, piece.tolist()))
