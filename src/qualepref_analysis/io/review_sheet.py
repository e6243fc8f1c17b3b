"""The agents' review loop: a workbook of the complaints to check, and their choices merged back.

``qualepref categorise … --a-verifier FEUILLE.xlsx`` writes the complaints flagged « à vérifier »
to a workbook, least confident first (the most useful ones to label), with the scrubbed text, the
proposed subject, its confidence, the terms that explain it and a « Sujet retenu » column whose
cells offer the subjects in a drop-down list. ``qualepref etiquettes`` merges the agents' choices
into the register's ``categorie`` column, by id, refusing an unknown id, an unknown subject, a
text that changed since the sheet was written, or a label already there that differs (unless asked
to replace it), and reports what changed: the next review learns from those labels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from qualepref_analysis.errors import DataFileError
from qualepref_analysis.io.replacing import save_replacing
from qualepref_analysis.io.schemas import TAXONOMY

__all__ = ["SHEET", "COLUMNS", "write_review_sheet", "read_review_sheet", "LabelMerge", "merge_labels",
           "comparable_text"]

SHEET = "À vérifier"
COLUMNS = ["Identifiant", "Texte (données personnelles masquées)", "Sujet proposé", "Confiance",
           "Termes qui l'expliquent", "Sujet retenu"]


def comparable_text(text: object) -> str:
    """A text as the sheet shows it (scrubbed of personal data), spaces collapsed: what is compared on merge."""
    from qualepref_analysis.io.privacy import scrub_text

    return " ".join(scrub_text("" if text is None else str(text)).split())


def write_review_sheet(path: Path, items: pd.DataFrame, subject_labels: dict[str, str]) -> int:
    """Write the flagged complaints to ``path`` (XLSX) for agents to label; return how many.

    Parameters
    ----------
    path : Path
        The workbook to write (replaced whole, never half-written).
    items : DataFrame
        One row per flagged complaint: ``id``, ``texte`` (raw: scrubbed here), ``categorie_predite``,
        ``confiance`` (0–1) and ``termes``.
    subject_labels : dict of str to str
        Subject code → French label, in the drop-down's order.

    Returns
    -------
    int
        Rows written.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    ordered = items.sort_values(["confiance", "id"], kind="stable")
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in ordered.itertuples(index=False):
        sheet.append([str(row.id), comparable_text(row.texte), subject_labels.get(row.categorie_predite, row.categorie_predite),
                      float(row.confiance), str(row.termes or ""), None])
    last = sheet.max_row
    for cell in sheet["D"][1:]:
        cell.number_format = "0%"
    for cell in sheet["B"][1:]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    subjects = book.create_sheet("Sujets")
    subjects.append(["Sujet", "Code"])
    for code, label in subject_labels.items():
        subjects.append([label, code])
    choice = DataValidation(type="list", formula1=f"=Sujets!$A$2:$A${len(subject_labels) + 1}", allow_blank=True,
                            showErrorMessage=True, errorTitle="Sujet inconnu",
                            error="Choisissez un sujet de la liste (feuille « Sujets »).")
    sheet.add_data_validation(choice)
    if last >= 2:
        choice.add(f"F2:F{last}")
    for column, width in zip("ABCDEF", (14, 80, 32, 11, 36, 32)):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    save_replacing(Path(path), book.save)
    return len(ordered)


def read_review_sheet(path: Path, subject_labels: dict[str, str]) -> pd.DataFrame:
    """The rows of a review sheet where an agent chose a subject.

    Parameters
    ----------
    path : Path
        A workbook written by :func:`write_review_sheet`.
    subject_labels : dict of str to str
        Subject code → French label (a choice may be the label or the code).

    Returns
    -------
    DataFrame
        ``ligne`` (row in the sheet), ``id``, ``texte`` (as in the sheet) and ``categorie`` (a code).

    Raises
    ------
    DataFileError
        Not a review sheet, or a choice that is no subject (naming the row and the value).
    """
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise DataFileError(path, f"classeur illisible ({type(error).__name__}) : donnez la feuille écrite par "
                                  "« qualepref categorise --a-verifier ».") from None
    if SHEET not in book.sheetnames:
        raise DataFileError(path, f"onglet « {SHEET} » absent : ce n'est pas une feuille écrite par "
                                  "« qualepref categorise --a-verifier ».")
    rows = list(book[SHEET].iter_rows(values_only=True))
    book.close()
    if not rows or list(rows[0][:len(COLUMNS)]) != COLUMNS:
        raise DataFileError(path, f"en-têtes inattendus dans l'onglet « {SHEET} » : attendu {', '.join(COLUMNS)}.")
    by_label = {label.casefold(): code for code, label in subject_labels.items()}
    by_code = {code.casefold(): code for code in subject_labels}
    chosen = []
    for number, row in enumerate(rows[1:], start=2):
        value = row[5] if len(row) > 5 else None
        if value is None or not str(value).strip():
            continue
        key = str(value).strip().casefold()
        code = by_label.get(key) or by_code.get(key)
        if code is None:
            raise DataFileError(path, f"ligne {number}, colonne « Sujet retenu » : « {str(value)[:60]} » n'est pas un "
                                      f"sujet ; sujets possibles : {', '.join(subject_labels.values())}.")
        chosen.append({"ligne": number, "id": str(row[0]), "texte": str(row[1] or ""), "categorie": code})
    return pd.DataFrame(chosen, columns=["ligne", "id", "texte", "categorie"])


@dataclass
class LabelMerge:
    """What :func:`merge_labels` did: the register with the new labels and what changed."""

    register: pd.DataFrame
    added: list[tuple[str, str]] = field(default_factory=list)
    replaced: list[tuple[str, str, str]] = field(default_factory=list)
    unchanged: int = 0


def merge_labels(register: pd.DataFrame, chosen: pd.DataFrame, *, sheet: Path, register_path: Path,
                 replace: bool = False) -> LabelMerge:
    """The register with the agents' subjects in its ``categorie`` column, by ``id``.

    Parameters
    ----------
    register : DataFrame
        The register's rows as strings, with columns ``id``, ``texte`` and ``categorie`` (added empty
        when absent); other columns are kept as they are.
    chosen : DataFrame
        :func:`read_review_sheet`.
    sheet, register_path : Path
        For the messages.
    replace : bool
        Replace a label already in the register that differs from the agent's choice; otherwise
        that is an error (nothing is overwritten silently).

    Returns
    -------
    LabelMerge

    Raises
    ------
    DataFileError
        An id the register does not hold (or holds twice), a text that changed since the sheet was
        written, or a different label already there without ``replace``: the first problems, each with
        the sheet's row, and nothing written.
    """
    out = register.copy()
    if "categorie" not in out.columns:
        out["categorie"] = ""
    ids = out["id"].astype(str).str.strip()
    position = {}
    for i, value in enumerate(ids):
        position.setdefault(value, []).append(i)
    problems, merge = [], LabelMerge(out)
    for row in chosen.itertuples(index=False):
        where = position.get(str(row.id).strip(), [])
        if len(where) != 1:
            problems.append(f"ligne {row.ligne} : identifiant « {row.id} » "
                            f"{'absent du registre' if not where else 'présent plusieurs fois dans le registre'}")
            continue
        at = where[0]
        if comparable_text(out.iloc[at]["texte"]) != " ".join(str(row.texte).split()):
            problems.append(f"ligne {row.ligne} : le texte de la réclamation « {row.id} » a changé depuis la feuille "
                            "(refaites la feuille avec qualepref categorise --a-verifier)")
            continue
        before = str(out.iloc[at]["categorie"] or "").strip()
        if before == row.categorie:
            merge.unchanged += 1
        elif before and before in TAXONOMY and not replace:
            problems.append(f"ligne {row.ligne} : la réclamation « {row.id} » a déjà le sujet « {before} » (choix de la "
                            f"feuille : « {row.categorie} ») ; ajoutez --remplacer pour le remplacer")
        else:
            out.iloc[at, out.columns.get_loc("categorie")] = row.categorie
            (merge.replaced.append((row.id, before, row.categorie)) if before
             else merge.added.append((row.id, row.categorie)))
    if problems:
        shown = " ; ".join(problems[:5]) + (f" ; et {len(problems) - 5} autres" if len(problems) > 5 else "")
        raise DataFileError(sheet, f"rien n'a été écrit dans {register_path} : {shown}.")
    return merge
