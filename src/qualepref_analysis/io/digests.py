"""SHA-256 digests of files: what the review records of its inputs, and the fingerprints of its runs."""

from __future__ import annotations

import hashlib
from pathlib import Path

__all__ = ["file_sha256"]


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes, in hexadecimal.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = (Path(folder) / "abc.txt").write_bytes(b"abc")
    ...     file_sha256(Path(folder) / "abc.txt")[:16]
    'ba7816bf8f01cfea'
    """
    with Path(path).open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
