"""Where a report's figures came from: the commit of the code that measured them."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def commit() -> str:
    """``git describe --always --dirty`` of the checkout, or ``unknown`` outside one."""
    try:
        described = subprocess.run(
            ["git", "describe", "--always", "--dirty"],  # noqa: S607 (git from PATH)
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return described.stdout.strip()
