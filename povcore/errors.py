"""One domain exception carrying structured, actionable issues.

Every problem names where it is (file, sheet, row, column, feature code), what the
value was, and how to fix it. The UI and the CLI translate it at their boundary.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Issue:
    """One problem found in an input, with enough context to fix it."""

    message: str
    hint: str = ""
    severity: Severity = "error"
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    code: str | None = None
    value: Any = None

    def where(self) -> str:
        """Human-readable location, e.g. ``"a.xlsx, sheet 'Mẫu 7.8', row 14"``."""
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column '{self.column}'")
        if self.code:
            parts.append(f"code {self.code}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        text = f"{where}: {self.message}" if where else self.message
        return f"{text} — {self.hint}" if self.hint else text

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the ``--json`` outputs use it)."""
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class Report:
    """Issues collected while reading one input; errors and warnings alike."""

    issues: list[Issue] = field(default_factory=list)

    def add(self, issue: Issue) -> None:
        """Record one issue."""
        self.issues.append(issue)

    def extend(self, issues: Iterable[Issue]) -> None:
        """Record several issues."""
        self.issues.extend(issues)

    @property
    def errors(self) -> list[Issue]:
        """The fatal issues."""
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        """The recoverable issues, kept to be shown."""
        return [i for i in self.issues if i.severity == "warning"]

    def raise_if_errors(self, summary: str) -> None:
        """Raise :class:`PovmapError` carrying every issue if any is an error."""
        if self.errors:
            raise PovmapError(summary, self.issues)


class PovmapError(Exception):
    """A problem a person can act on; carries every :class:`Issue` found."""

    def __init__(self, summary: str, issues: Iterable[Issue] = ()) -> None:
        self.summary = summary
        self.issues = list(issues)
        super().__init__(self.describe())

    def describe(self) -> str:
        """The summary followed by one line per issue."""
        lines = [self.summary, *(f"  - {i}" for i in self.issues)]
        return "\n".join(lines)
