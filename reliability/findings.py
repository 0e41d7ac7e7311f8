"""What a scenario found: figures to print and write, and whether its guarantee held."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Finding:
    title: str
    guarantee: str
    """What must hold, in one sentence."""
    figures: list[tuple[str, str]] = field(default_factory=list)
    """(what was measured, value), in the order they are shown."""
    failures: list[str] = field(default_factory=list)
    """Each way the guarantee did not hold; empty when it held."""
    notes: list[str] = field(default_factory=list)

    @property
    def held(self) -> bool:
        return not self.failures

    def figure(self, name: str, value: object) -> None:
        self.figures.append((name, f"{value:,}" if isinstance(value, int) else str(value)))

    def check(self, ok: bool, failure: str) -> None:
        """Record ``failure`` unless ``ok``."""
        if not ok:
            self.failures.append(failure)

    def markdown(self) -> str:
        lines = [
            f"## {self.title}",
            "",
            f"**Guarantee:** {self.guarantee} **Result:** "
            + ("held." if self.held else "DID NOT HOLD."),
            "",
            "| Measured | Value |",
            "|---|---|",
            *(f"| {name} | {value} |" for name, value in self.figures),
        ]
        if self.failures:
            lines += ["", *(f"- FAILED: {failure}" for failure in self.failures)]
        if self.notes:
            lines += ["", *(f"- {note}" for note in self.notes)]
        return "\n".join(lines)
