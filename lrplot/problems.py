"""Problems in what a user wrote, each with its location: what every reader of input raises
(configs, flags, training configs), below the spec that collects them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence


@dataclass(frozen=True)
class Problem:
    where: str  # "file:line:col" or "--flag"
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class SpecError(ValueError):
    """One or more problems in a figure specification, each with its location."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
