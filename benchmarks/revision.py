"""Another git revision of this repository, checked out beside the work tree
for a before/after measurement in one run (against.py, ranking.py)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@contextmanager
def checked_out(revision: str, folder: Path) -> Iterator[Path]:
    """revision in a temporary git worktree at folder, removed afterwards."""
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(folder), revision],
        cwd=REPO, check=True, capture_output=True,
    )  # fmt: skip
    try:
        yield folder
    finally:
        subprocess.run(
            ["git", "worktree", "remove", "--force", str(folder)],
            cwd=REPO, capture_output=True,
        )  # fmt: skip
