"""What the environment says, read here only (cli/ passes it down): the
default index folder, the Dask scheduler, how long to wait for another
update, whether links are followed, whether this is CI. os only: the entry
point reads it before its imports.
"""

from __future__ import annotations

import os


def cache_home() -> str:
    """XDG_CACHE_HOME, else ~/.cache: where index files live by default."""
    return os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")


def scheduler_default() -> str | None:
    """AIRESEARCH_SCHEDULER: the default --scheduler."""
    return os.environ.get("AIRESEARCH_SCHEDULER") or None


def update_wait() -> float | None:
    """AIRESEARCH_UPDATE_WAIT: the seconds to wait for another update (None:
    the default, update_lock.WAIT_SECONDS)."""
    try:
        return float(os.environ["AIRESEARCH_UPDATE_WAIT"])
    except (KeyError, ValueError):
        return None


def follow_links_default() -> bool:
    """AIRESEARCH_FOLLOW_LINKS: whether a new index follows symbolic links."""
    setting = os.environ.get("AIRESEARCH_FOLLOW_LINKS", "")
    return setting.lower() in ("1", "yes", "true")


def in_ci() -> bool:
    """CI (no progress bar there, even on a terminal)."""
    return bool(os.environ.get("CI"))
