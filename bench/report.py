"""What a benchmark found: tables, targets met or not, and notes, as Markdown."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Table:
    caption: str
    columns: tuple[str, ...]
    rows: Sequence[tuple[str, ...]]

    def markdown(self) -> str:
        lines = [
            f"**{self.caption}**",
            "",
            "| " + " | ".join(self.columns) + " |",
            "|" + "---|" * len(self.columns),
            *("| " + " | ".join(row) + " |" for row in self.rows),
        ]
        return "\n".join(lines)


@dataclass(frozen=True)
class Target:
    goal: str
    """What the issue asks, in one line."""
    measured: str
    met: bool | None
    """None when it is not judged by a figure: stated and explained, or not measured (a quick
    run)."""
    explanation: str = ""
    """Why it is not met (or what it rests on), where that needs saying."""


@dataclass
class Section:
    title: str
    method: str
    """How it was measured, in a paragraph."""
    tables: list[Table] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        lines = [f"## {self.title}", "", self.method, ""]
        for table in self.tables:
            lines += [table.markdown(), ""]
        if self.targets:
            lines += ["| Target | Measured | Met |", "|---|---|---|"]
            lines += [f"| {t.goal} | {t.measured} | {verdict(t.met)} |" for t in self.targets]
            lines.append("")
            lines += [
                f"- {verdict(t.met).strip('*').capitalize()}: {t.goal}. {t.explanation}"
                for t in self.targets
                if t.explanation
            ]
            lines.append("")
        lines += [f"- {note}" for note in self.notes]
        return "\n".join(lines).rstrip() + "\n"


def verdict(met: bool | None) -> str:
    """A target's outcome: met, not met, or not judged (stated and explained, or a quick run)."""
    return {True: "met", False: "**not met**", None: "not judged"}[met]


def ratio(value: float) -> str:
    return f"{value:.2f}x"


def micros(seconds: float) -> str:
    micro = seconds * 1e6
    return f"{micro:,.1f} µs" if micro < 100 else f"{micro:,.0f} µs"


def millis(seconds: float) -> str:
    milli = seconds * 1e3
    return f"{milli:,.1f} ms" if milli < 100 else f"{milli:,.0f} ms"
