"""Writing the review so that readers only ever see a complete one.

A review is built in a staging folder beside the output folder (``.<name>.en-cours``),
seeded with hard links to the previous review so that unchanged sections are reused, then
moved into place. An error or an interruption (Ctrl-C, SIGTERM) removes the staging folder
and leaves the previous review exactly as it was. Inside the staging folder every file is
written to a temporary name and renamed (:func:`write_text_replacing`): a hard-linked file of
the previous review is replaced, never truncated in place.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from qualepref_analysis.errors import QualeprefError

__all__ = ["write_text_replacing", "prepare_staging", "publish", "inside", "MARKER_FILE"]

#: Present in every review folder (the batch's state file): a folder without it is not ours to replace.
MARKER_FILE = ".qualepref-etat.json"
_PID_FILE = ".qualepref-pid"


def write_text_replacing(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` whole or not at all: a temporary file renamed over it."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def inside(folder: Path, name: str) -> Path:
    """``folder / name`` for a name taken from the data or parameters (a site code), refusing escapes.

    Raises
    ------
    QualeprefError
        The name is empty, absolute, contains a path separator or ``..``, or leaves ``folder``.
    """
    text = str(name)
    if (not text or text in (".", "..") or "/" in text or "\\" in text or "\x00" in text
            or not re.fullmatch(r"[\w.-]+", text)):
        raise QualeprefError(f"nom {text!r} inutilisable comme dossier de sortie : un code de site ne contient que "
                             "des lettres, chiffres, « _ », « - » et « . » ; corrigez-le dans sites.yaml.")
    target = (Path(folder) / text).resolve()
    if Path(folder).resolve() not in target.parents:
        raise QualeprefError(f"nom {text!r} : le dossier obtenu sortirait du dossier de la revue ; corrigez sites.yaml.")
    return Path(folder) / text


def _staging_of(out_dir: Path) -> Path:
    return out_dir.parent / f".{out_dir.name}.en-cours"


def _previous_of(out_dir: Path) -> Path:
    return out_dir.parent / f".{out_dir.name}.precedent"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def prepare_staging(out_dir: Path) -> Path:
    """The staging folder for a new review of ``out_dir``, seeded with the previous review.

    Raises
    ------
    QualeprefError
        ``out_dir`` holds files that are not a review, or another review is being written there.
    """
    out_dir = Path(out_dir).absolute()
    previous, staging = _previous_of(out_dir), _staging_of(out_dir)
    if not out_dir.exists() and previous.is_dir():  # interrupted between the two renames of publish()
        os.replace(previous, out_dir)
    if out_dir.exists() and (not out_dir.is_dir() or (any(out_dir.iterdir()) and not (out_dir / MARKER_FILE).exists())):
        raise QualeprefError(f"{out_dir} : ce dossier existe et ne contient pas une revue Qual-e-Pref ; il ne sera pas "
                             "remplacé. Choisissez un dossier de sortie dédié (--out).")
    if staging.exists():
        pid_file = staging / _PID_FILE
        pid = int(pid_file.read_text()) if pid_file.is_file() and pid_file.read_text().strip().isdigit() else 0
        if pid and pid != os.getpid() and _alive(pid):
            raise QualeprefError(f"{out_dir} : une autre revue est en cours d'écriture dans ce dossier (processus {pid}) ; "
                                 "attendez qu'elle se termine.")
        shutil.rmtree(staging)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    if out_dir.is_dir():
        shutil.copytree(out_dir, staging, copy_function=_link_or_copy, symlinks=True)
    else:
        staging.mkdir()
    (staging / _PID_FILE).write_text(str(os.getpid()))
    return staging


def publish(staging: Path, out_dir: Path) -> None:
    """Move the complete review from ``staging`` into ``out_dir``, replacing the previous one."""
    out_dir = Path(out_dir).absolute()
    (staging / _PID_FILE).unlink(missing_ok=True)
    previous = _previous_of(out_dir)
    if previous.exists():
        shutil.rmtree(previous)
    if out_dir.exists():
        os.replace(out_dir, previous)
    os.replace(staging, out_dir)
    shutil.rmtree(previous, ignore_errors=True)
