"""Files written whole or not at all: a temporary name beside the target, renamed over it."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

__all__ = ["save_replacing"]


def save_replacing(path: Path, save: Callable[[Path], None]) -> Path:
    """Call ``save(temporary)`` and rename the temporary file to ``path``; return ``path``.

    The temporary name keeps ``path``'s suffix (a workbook library checks it). A reader of
    ``path`` sees the previous file or the new one, never half of it; a failed ``save`` leaves
    no temporary file behind.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.stem}.{os.getpid()}.tmp{path.suffix}")
    try:
        save(temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path
