"""Series to CSV and JSON. Numbers are written with ``repr``: the shortest text that reads back
as the identical float, so the files carry the exact values."""

from __future__ import annotations

import json
from typing import IO

from lrplot.series import PanelSeries


def _columns(panels: list[PanelSeries]) -> list[tuple[str, list[float]]]:
    many = len(panels) > 1
    columns = []
    for panel in panels:
        for s in panel.series:
            name = f"{panel.title}: {s.label}" if many and panel.title else s.label
            columns.append((name, s.lr.tolist()))
    return columns


def write_csv(panels: list[PanelSeries], stream: IO[bytes]) -> None:
    columns = _columns(panels)
    rows = max(len(values) for _, values in columns)
    out = [",".join(["step"] + [_csv_field(name) for name, _ in columns])]
    for i in range(rows):
        cells = [repr(values[i]) if i < len(values) else "" for _, values in columns]
        out.append(f"{i}," + ",".join(cells))
    stream.write(("\n".join(out) + "\n").encode())


def _csv_field(text: str) -> str:
    if any(c in text for c in ',"\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_json(panels: list[PanelSeries], stream: IO[bytes]) -> None:
    document = {"panels": [
        {"title": panel.title,
         "curves": [{"label": s.label, "schedule": s.schedule, "lr": s.lr.tolist()}
                    for s in panel.series]}
        for panel in panels
    ]}
    stream.write((json.dumps(document, allow_nan=False) + "\n").encode())
