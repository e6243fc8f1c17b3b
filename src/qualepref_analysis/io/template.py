"""A ready-to-fill folder for a prefecture that starts from nothing (``qualepref init``).

Writes ``params/`` (``sites.yaml`` with one commented example of every option, ``default.yaml``
and ``categories.yaml`` as shipped, each setting with its default and a French comment) and
``modele-donnees.xlsx``: a « Mode d'emploi » sheet, then one sheet per data set of the contract,
named after it, with the contract's headers, a note per column (type, rule, example) and a
drop-down list on every code column (openpyxl data validation). The review reads that workbook
as it reads a folder of files (:func:`~qualepref_analysis.io.datasets.load_data_dir`).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from qualepref_analysis.errors import QualeprefError
from qualepref_analysis.io.datasets import INSTRUCTIONS_SHEET
from qualepref_analysis.io.locations import default_params_dir
from qualepref_analysis.io.schemas import DATASETS, ColumnSpec, DatasetSpec

__all__ = ["WORKBOOK_NAME", "WITHOUT_DATASET", "write_starter_folder", "write_data_workbook"]

#: File name of the data workbook written by ``qualepref init``.
WORKBOOK_NAME = "modele-donnees.xlsx"

#: What the bilan loses when a data set is absent (``qualepref validate`` and the « Mode d'emploi »).
WITHOUT_DATASET: dict[str, str] = {
    "correspondances": "obligatoire : sans lui, pas de bilan",
    "appels": "pas de taux de décroché téléphonique (indicateurs)",
    "site_internet": "pas de délai de mise à jour du site internet (indicateurs)",
    "frequentation_pan": "pas de fréquentation des points d'accueil numérique (indicateurs)",
    "chatbot": "pas d'activité du chatbot (indicateurs)",
    "enquetes": "pas de section satisfaction (enquêtes)",
    "marges": "enquêtes non redressées : résultats bruts des répondants seulement",
    "sp_indicateurs": "pas d'indicateurs de transparence Services Publics+",
    "sp_experiences": "pas d'expériences d'usagers Services Publics+",
    "sp_diagnostic": "pas de diagnostic Services Publics+",
    "plan_actions": "pas de section plans d'actions",
    "audits": "pas de section audits",
}

_KIND_HELP = {
    "id": "identifiant unique de la ligne (texte)",
    "site": "code d'un site déclaré dans params/sites.yaml (son libellé est aussi accepté)",
    "perimeter": "« departement » ou code d'un site",
    "code": "une valeur de la liste déroulante",
    "free_code": "texte court (code ou libellé)",
    "label": "texte court, sans donnée personnelle",
    "text": "texte libre ; peut contenir des données personnelles : il n'est jamais publié tel quel",
    "date": "date (JJ/MM/AAAA, AAAA-MM-JJ ou date Excel)",
    "month": "mois (AAAA-MM ou MM/AAAA)",
    "period": "période : AAAA-T1 à AAAA-T4, ou AAAA",
    "int": "nombre entier",
    "number": "nombre (virgule décimale acceptée)",
    "year": "année (AAAA)",
    "answer": "réponse de 1 (pas du tout satisfait) à 4 (très satisfait)",
}

_SITES_TEMPLATE = """\
# Sites de la préfecture examinés par le bilan : un bloc par site.
# code (la clé) : identifiant utilisé dans la colonne `site` des données ([a-z0-9_-]+)
# libelle : nom affiché dans le bilan ; dans les données, le libellé vaut aussi code
# type : prefecture | sous_prefecture
# calendrier : metropole | alsace_moselle (jours fériés applicables aux délais)
# alias : (facultatif) autres graphies du site dans les données
# Une clé inconnue (faute de frappe) est refusée avec la clé la plus proche.

prefecture: Préfecture de [votre département]

sites:
  prefecture:
    libelle: Préfecture de [votre département]
    type: prefecture
    calendrier: metropole
  # Exemple de sous-préfecture (retirez les « # » pour la déclarer) :
  # sous_prefecture_1:
  #   libelle: Sous-préfecture de [ville]
  #   type: sous_prefecture
  #   calendrier: metropole
  #   alias: [SP de [ville], "[ville]"]

# Vos propres en-têtes de colonnes : par jeu de données, « en-tête de votre export : colonne
# du contrat ». Exemple :
# colonnes:
#   correspondances:
#     "Date d'arrivée": date_reception
#     "Date de réponse": date_reponse
#     "N° de dossier": id

# Vos propres mots dans les colonnes de codes : par jeu de données et colonne (nom du
# contrat), « votre mot : code du contrat ». Les codes du contrat restent acceptés. Exemple :
# valeurs:
#   correspondances:
#     type: {"Demande d'information": information, "Réclamation": reclamation}
#     canal: {"Mél": courriel, "Lettre": courrier}
"""


def _rule(col: ColumnSpec) -> str:
    parts = ["obligatoire" if col.required else "facultatif"]
    if not col.present:
        parts.append("colonne facultative")
    if col.unique:
        parts.append("unique")
    if col.minimum is not None:
        parts.append(f"{'>' if col.exclusive_minimum else '≥'} {col.minimum:g}")
    if col.maximum is not None:
        parts.append(f"≤ {col.maximum:g}")
    if col.default is not None:
        parts.append(f"vide : {col.default}")
    return ", ".join(parts)


def _example(col: ColumnSpec, year: int, site: str) -> str:
    examples = {"id": "C-0001", "site": site, "perimeter": "departement", "free_code": "accueil",
                "label": "Affichage des horaires", "text": "Je n'ai pas reçu de réponse à mon courriel du 3 mars.",
                "date": f"14/03/{year}", "month": f"{year}-03", "period": f"{year}-T1", "int": "12",
                "number": "4,5", "year": str(year), "answer": "3"}
    return col.codes[0] if col.codes else examples[col.kind]


def _note(col: ColumnSpec, year: int, site: str) -> str:
    allowed = f"\nValeurs : {', '.join(col.codes)}" if col.codes else ""
    return (f"{col.name}\nType : {_KIND_HELP[col.kind]}\nRègle : {_rule(col)}{allowed}\n"
            f"Exemple : {_example(col, year, site)}")


def _instructions(sheet, year: int) -> None:
    from openpyxl.styles import Alignment, Font

    lines = [
        ("Modèle de données du bilan Qual-e-Pref", Font(bold=True, size=14)),
        ("", None),
        ("1. Déclarez vos sites dans params/sites.yaml (code, libellé, calendrier).", None),
        ("2. Collez chaque registre dans la feuille de même nom, à partir de la ligne 2 ; ne changez pas la "
         "ligne 1 (ou déclarez vos propres en-têtes dans « colonnes » de sites.yaml).", None),
        ("3. Chaque en-tête porte une note : type, règle, exemple. Les colonnes de codes ont une liste déroulante.", None),
        ("4. Une feuille laissée vide compte comme absente : voir ci-dessous ce qu'elle retire du bilan.", None),
        ("5. Vérifiez : qualepref validate modele-donnees.xlsx --params params", None),
        (f"6. Produisez le bilan : qualepref review --data modele-donnees.xlsx --params params --year {year}", None),
        ("", None),
        ("Ne supprimez ni ne renommez les feuilles ; cette feuille-ci et la feuille masquée « _listes » ne sont "
         "pas lues comme des données.", Font(italic=True)),
        ("", None),
    ]
    for row, (text, font) in enumerate(lines, start=1):
        cell = sheet.cell(row=row, column=1, value=text)
        if font is not None:
            cell.font = font
    header = len(lines) + 1
    for column, title in enumerate(("Feuille", "Contenu", "Obligatoire", "Si elle reste vide"), start=1):
        sheet.cell(row=header, column=column, value=title).font = Font(bold=True)
    for row, spec in enumerate(DATASETS.values(), start=header + 1):
        values = (spec.name, spec.description, "non" if spec.optional else "oui", WITHOUT_DATASET.get(spec.name, ""))
        for column, value in enumerate(values, start=1):
            sheet.cell(row=row, column=column, value=value).alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCD", (20, 80, 12, 70)):
        sheet.column_dimensions[letter].width = width
    # printed on one page width, landscape (its lines run over the empty cells beside them)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0


def _dataset_sheet(workbook, spec: DatasetSpec, lists, list_columns: dict[tuple[str, ...], str],
                   *, year: int, sites: list[str]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    sheet = workbook.create_sheet(spec.name)
    site = sites[0] if sites else "prefecture"
    for index, col in enumerate(spec.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=col.name)
        cell.font = Font(bold=True, color="FFFFFF" if col.required else "000000")
        cell.fill = PatternFill("solid", fgColor="000091" if col.required else "DDE3F0")
        comment = Comment(_note(col, year, site), "qualepref")
        comment.width, comment.height = 320, 160
        cell.comment = comment
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, len(col.name) + 4)
        choices = col.codes or (tuple(sites) if col.kind == "site" else
                                ("departement", *sites) if col.kind == "perimeter" else ())
        if choices:
            if choices not in list_columns:  # the values, once, in a column of the hidden « _listes » sheet
                list_letter = get_column_letter(len(list_columns) + 1)
                for row, value in enumerate(choices, start=1):
                    lists.cell(row=row, column=len(list_columns) + 1, value=value)
                list_columns[choices] = f"_listes!${list_letter}$1:${list_letter}${len(choices)}"
            check = DataValidation(type="list", formula1=list_columns[choices], allow_blank=True,
                                   errorStyle="warning", showErrorMessage=True,
                                   errorTitle="Valeur hors liste",
                                   error="Cette valeur n'est pas dans la liste : gardez-la seulement si sites.yaml "
                                         "la déclare (site ou correspondance de valeurs).")
            check.add(f"{letter}2:{letter}10000")
            sheet.add_data_validation(check)
    if spec.questions:
        index = len(spec.columns) + 1
        cell = sheet.cell(row=1, column=index, value="q_exemple")
        cell.font = Font(bold=True)
        cell.comment = Comment("Une colonne q_… par question (renommez celle-ci, ajoutez les autres à droite).\n"
                               f"Type : {_KIND_HELP['answer']}\nRègle : facultatif\nExemple : 3", "qualepref")
        sheet.column_dimensions[get_column_letter(index)].width = 14
    sheet.freeze_panes = "A2"


def write_data_workbook(path: str | Path, *, year: int, sites: list[str]) -> Path:
    """Write the data workbook: « Mode d'emploi », then one sheet per data set of the contract.

    Parameters
    ----------
    path : str or Path
        The ``.xlsx`` file to write.
    year : int
        The year the examples and the instructions use.
    sites : list of str
        Site codes offered by the drop-down lists of the ``site`` columns.

    Returns
    -------
    Path
        ``path``.
    """
    from openpyxl import Workbook

    workbook = Workbook()
    instructions = workbook.active
    instructions.title = INSTRUCTIONS_SHEET
    _instructions(instructions, year)
    lists = workbook.create_sheet("_listes")
    lists.sheet_state = "hidden"
    list_columns: dict[tuple[str, ...], str] = {}
    for spec in DATASETS.values():
        _dataset_sheet(workbook, spec, lists, list_columns, year=year, sites=sites)
    workbook.move_sheet(lists, offset=len(workbook.sheetnames))  # last, after the data sets
    path = Path(path)
    workbook.save(path)
    return path


def write_starter_folder(folder: str | Path, *, year: int | None = None) -> list[Path]:
    """Write a ready-to-fill folder: ``params/`` and ``modele-donnees.xlsx``.

    Parameters
    ----------
    folder : str or Path
        A folder that does not exist yet (or is empty).
    year : int, optional
        The year under review written in ``default.yaml``; by default last year.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    QualeprefError
        ``folder`` exists and is not empty, or is a file: nothing is written.
    """
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise QualeprefError(f"{folder} existe déjà et n'est pas vide : rien n'a été écrit ; "
                             "choisissez un dossier nouveau (qualepref init AUTRE_DOSSIER).")
    year = year or dt.date.today().year - 1
    params = folder / "params"
    params.mkdir(parents=True, exist_ok=True)
    shipped = default_params_dir()
    default = (shipped / "default.yaml").read_text(encoding="utf-8")
    lines = [f"annee: {year}" if line.startswith("annee:") else line for line in default.splitlines()]
    (params / "default.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.copyfile(shipped / "categories.yaml", params / "categories.yaml")
    (params / "sites.yaml").write_text(_SITES_TEMPLATE, encoding="utf-8")
    workbook = write_data_workbook(folder / WORKBOOK_NAME, year=year, sites=["prefecture"])
    return [params / "sites.yaml", params / "default.yaml", params / "categories.yaml", workbook]
