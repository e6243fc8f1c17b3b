"""The bilan printed to an A4 PDF by a headless Chromium (Chromium, Chrome or Edge).

The bilan's own print stylesheet (``@page`` A4, page numbers, headings kept with what follows)
does the layout; the browser only prints. Nothing is downloaded: the browser is one already
installed, found on the ``PATH`` (or at the usual places on Windows) or given by the user.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from qualepref_analysis.errors import QualeprefError

__all__ = ["BrowserNotFoundError", "PrintError", "BROWSER_NAMES", "find_browser", "print_to_pdf", "HOW_TO_GET_A_BROWSER"]

#: Executables tried on the ``PATH``, in this order.
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "msedge")

_WINDOWS_PLACES = (r"Microsoft\Edge\Application\msedge.exe", r"Google\Chrome\Application\chrome.exe",
                   r"Chromium\Application\chrome.exe")

HOW_TO_GET_A_BROWSER = ("Pour produire le PDF, installez Chromium (sous Debian : « apt install chromium ») ou "
                        "indiquez avec --navigateur le chemin de Chromium, de Chrome ou d'Edge ; le bilan HTML, "
                        "lui, s'imprime aussi depuis n'importe quel navigateur (Fichier > Imprimer).")


class BrowserNotFoundError(QualeprefError, FileNotFoundError):
    """No headless-capable browser was found, or the one given does not exist."""


class PrintError(QualeprefError, RuntimeError):
    """The browser ran but did not write the PDF."""


def find_browser(given: Path | str | None = None) -> Path:
    """The browser that prints the bilan: ``given``, else the first of :data:`BROWSER_NAMES` found.

    Parameters
    ----------
    given : Path or str, optional
        A path to the executable, or a name looked up on the ``PATH``.

    Returns
    -------
    Path

    Raises
    ------
    BrowserNotFoundError
        ``given`` does not exist, or nothing was found; the message says how to get one.
    """
    if given is not None:
        found = shutil.which(str(given)) or (str(given) if Path(given).is_file() else None)
        if found is None:
            raise BrowserNotFoundError(f"navigateur introuvable : {given}. {HOW_TO_GET_A_BROWSER}")
        return Path(found)
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    if sys.platform == "win32":
        for root in (os.environ.get("PROGRAMFILES(X86)"), os.environ.get("PROGRAMFILES"), os.environ.get("LOCALAPPDATA")):
            for place in _WINDOWS_PLACES:
                if root and (Path(root) / place).is_file():
                    return Path(root) / place
    raise BrowserNotFoundError(f"aucun navigateur Chromium, Chrome ou Edge n'a été trouvé. {HOW_TO_GET_A_BROWSER}")


def _flags(profile: Path) -> list[str]:
    flags = ["--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-extensions", "--no-pdf-header-footer", f"--user-data-dir={profile}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # Chromium refuses to run as root with its sandbox
        flags.append("--no-sandbox")
    return flags


def print_to_pdf(page: Path, pdf: Path, *, browser: Path, timeout: float = 300) -> Path:
    """Print ``page`` (an HTML file) to ``pdf`` with the headless ``browser``; return ``pdf``.

    The PDF is written beside its final name and renamed once complete, so that a failed
    print never leaves half a file (nor removes the previous one).

    Raises
    ------
    PrintError
        The browser failed, timed out or wrote no PDF.
    """
    pdf = Path(pdf)
    pdf.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="qualepref-pdf-") as scratch:
        partial = Path(scratch) / "bilan.pdf"
        command = [str(browser), *_flags(Path(scratch) / "profil"), f"--print-to-pdf={partial}",
                   Path(page).resolve().as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise PrintError(f"{browser} n'a pas imprimé {page} en {timeout:.0f} s : relancez avec --pdf, "
                             "ou imprimez le bilan HTML depuis un navigateur.") from None
        except OSError as error:
            raise PrintError(f"{browser} ne peut pas être lancé ({error.strerror}) : {HOW_TO_GET_A_BROWSER}") from None
        if not partial.is_file() or partial.stat().st_size == 0:
            last = (done.stderr.strip().splitlines() or ["aucun message"])[-1][:300]
            raise PrintError(f"{browser} n'a pas écrit le PDF de {page} (code {done.returncode} : {last}).")
        temporary = pdf.with_name(f".{pdf.name}.partiel")
        shutil.copyfile(partial, temporary)
        os.replace(temporary, pdf)
    return pdf
