"""Results shared by the notebooks of one run, computed once: the run's cache.

Several sections compute the same thing from the same inputs for every site — the prepared
registers (delays and statuses), the indicator catalogue, the trained complaint categoriser and
its cross-validation. A :class:`RunCache` computes such a result once and hands it back to
whoever asks again with the same key.

- :class:`MemoryCache` keeps results in this process: what a notebook opened alone in
  JupyterLab gets (private to it).
- :class:`FolderCache` also keeps them in a private folder (mode 0700) of a batch run, so that
  the run's kernels — each a separate process — share them; kernels asking for the same result at
  the same time wait for the first one (a file lock). The batch creates it and hands it to its
  kernels explicitly (:func:`qualepref_analysis.context.join_run`); no shell variable is read.

Keys are digests of every input (:func:`content_key`), so a result is never reused for other data.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, TypeVar

import pandas as pd

__all__ = ["RunCache", "MemoryCache", "FolderCache", "content_key"]

T = TypeVar("T")


def content_key(*parts: object) -> str:
    """A SHA-256 digest of ``parts`` (series and frames by their values, anything else pickled).

    Examples
    --------
    >>> content_key(["a", "b"]) == content_key(["a", "b"]) != content_key(["a", "c"])
    True
    """
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, (pd.Series, pd.DataFrame)):
            digest.update(pd.util.hash_pandas_object(part, index=False).to_numpy().tobytes())
            digest.update(repr(list(getattr(part, "columns", [part.name]))).encode())
        else:
            digest.update(pickle.dumps(part, protocol=4))
        digest.update(b"|")
    return digest.hexdigest()


class RunCache:
    """Results computed once per run, by name and content key (in this process only).

    Subclasses decide where else a result is kept; :meth:`get` is the only method callers use.
    """

    def __init__(self) -> None:
        self._memory: dict[tuple[str, str], object] = {}

    def get(self, name: str, key: str, compute: Callable[[], T]) -> T:
        """``compute()``, or the result already computed under ``(name, key)`` in this run.

        Parameters
        ----------
        name : str
            What is computed (``"catalogue"``, ``"categoriseur"``…).
        key : str
            Digest of every input of ``compute`` (:func:`content_key`).
        compute : callable
            Computes the result, deterministically, from those inputs.
        """
        slot = (name, key)
        if slot not in self._memory:
            self._memory[slot] = self._load_or_compute(name, key, compute)
        return self._memory[slot]  # type: ignore[return-value]

    def _load_or_compute(self, name: str, key: str, compute: Callable[[], T]) -> T:
        return compute()

    def adopt(self, name: str, key: str) -> bool:
        """Keep in this process's memory the result another process of the run has stored; never computes.

        Returns whether ``(name, key)`` is in this process's memory now. Here (one process only),
        only what :meth:`get` computed is.
        """
        return (name, key) in self

    def __contains__(self, slot: tuple[str, str]) -> bool:
        return slot in self._memory


class MemoryCache(RunCache):
    """A private cache: results live in this process only (a notebook opened alone)."""


class FolderCache(RunCache):
    """A cache shared by the processes of one batch run through a private folder.

    Parameters
    ----------
    folder : path
        The run's private folder (created by the batch, mode 0700, removed at the end of the run).
    """

    def __init__(self, folder: str | Path) -> None:
        super().__init__()
        self.folder = Path(folder)

    def __reduce__(self):  # a kernel gets the folder, not the other process's memory
        return (type(self), (self.folder,))

    def adopt(self, name: str, key: str) -> bool:
        if (name, key) not in self._memory:
            found, result = _read(self._path(name, key))  # absent until stored whole (never half-written)
            if not found:
                return False
            self._memory[(name, key)] = result
        return True

    def _path(self, name: str, key: str) -> Path:
        return self.folder / f"{name}-{key}.pickle"

    def _load_or_compute(self, name: str, key: str, compute: Callable[[], T]) -> T:
        if not self.folder.is_dir():
            return compute()
        path = self._path(name, key)
        with _exclusive(path.with_suffix(".lock")):  # kernels asking at the same time wait for the first one
            found, result = _read(path)  # damaged: computed again
            if not found:
                result = compute()
                _store(path, result)
        return result


def _read(path: Path) -> tuple[bool, object]:
    """``(True, result)`` stored at ``path`` by :func:`_store`, or ``(False, None)`` when absent or damaged."""
    if not path.is_file():
        return False, None
    try:
        with open(path, "rb") as handle:  # written by this package, in the run's 0700 folder
            return True, pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError):
        return False, None


@contextmanager
def _exclusive(lock: Path):
    try:
        import fcntl
    except ImportError:  # no advisory locks (Windows): at worst the result is computed twice
        yield
        return
    with open(os.open(lock, os.O_WRONLY | os.O_CREAT, 0o600), "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _store(path: Path, result: object) -> None:
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as handle:
            pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)  # whole or absent: never half-written
    except (OSError, pickle.PicklingError):
        temporary.unlink(missing_ok=True)
