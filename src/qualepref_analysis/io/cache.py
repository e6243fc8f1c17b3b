"""Results shared between the notebooks of one batch run (each runs in its own kernel).

Several sections compute the same thing from the same inputs for every site — training the
complaint categoriser, cross-validating it. During a batch run, the runner points
:data:`MEMO_DIR_ENV` at its private temporary folder (mode 0700, removed at the end of the
run); :func:`memoised` then computes such a result once and the other kernels read it back.
Kernels asking for the same result at the same time wait for the first one (a file lock).
Outside a batch (an analyst in JupyterLab) nothing is stored and everything is computed.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, TypeVar

import pandas as pd

__all__ = ["MEMO_DIR_ENV", "memoised", "content_key"]

#: Environment variable naming the batch's private folder for shared results.
MEMO_DIR_ENV = "QUALEPREF_RESULTATS_PARTAGES"

T = TypeVar("T")


def content_key(*parts: object) -> str:
    """A SHA-256 digest of ``parts`` (series and frames by their values, anything else pickled)."""
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, (pd.Series, pd.DataFrame)):
            digest.update(pd.util.hash_pandas_object(part, index=False).to_numpy().tobytes())
            digest.update(repr(list(getattr(part, "columns", [part.name]))).encode())
        else:
            digest.update(pickle.dumps(part, protocol=4))
        digest.update(b"|")
    return digest.hexdigest()


def memoised(name: str, key: Callable[[], str], compute: Callable[[], T]) -> T:
    """``compute()``, or the result another kernel of the same batch run already stored under ``key``.

    Parameters
    ----------
    name : str
        What is computed (part of the file name).
    key : callable
        Returns the digest of every input; only called inside a batch run.
    compute : callable
        Computes the result (deterministically) from those inputs.
    """
    folder = os.environ.get(MEMO_DIR_ENV)
    if not folder or not Path(folder).is_dir():
        return compute()
    path = Path(folder) / f"{name}-{key()}.pickle"
    with _exclusive(path.with_suffix(".lock")):  # kernels asking at the same time wait for the first one
        if path.is_file():
            try:
                with open(path, "rb") as handle:  # written below by this package, in the run's 0700 folder
                    return pickle.load(handle)
            except (OSError, EOFError, pickle.UnpicklingError):
                pass  # damaged: compute it again
        result = compute()
        _store(path, result)
    return result


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
