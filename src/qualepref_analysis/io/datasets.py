"""Loading and validation of the data sets of the data contract.

One generic loader driven by the specs of :mod:`qualepref_analysis.io.schemas`:
read the raw table (:mod:`~qualepref_analysis.io.tabular`), map and match the
headers, parse every column by its kind (:mod:`~qualepref_analysis.io.parsing`),
validate the rules with pandera, and split the rows into the kept frame and
the quarantine. Rows read = rows kept + rows quarantined, always.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from qualepref_analysis.errors import DataFileError, MissingColumnError, UnknownDatasetError
from qualepref_analysis.io.local_values import SiteNames, allowed_values_hint, apply_value_mappings
from qualepref_analysis.io.normalise import fold_accents, normalise_header
from qualepref_analysis.io.params import Params
from qualepref_analysis.io.parsing import (
    Parsed,
    parse_codes,
    parse_dates,
    parse_integers,
    parse_months,
    parse_numbers,
    parse_periods,
    parse_site_codes,
)
from qualepref_analysis.io.privacy import LabelScrubber, mask_cell
from qualepref_analysis.io.schemas import DATASETS, QUESTION_PREFIX, ColumnSpec, DatasetSpec, build_schema
from qualepref_analysis.io.digests import file_sha256
from qualepref_analysis.io.tabular import SUPPORTED_SUFFIXES, RawTable, read_table, workbook_sheets

__all__ = [
    "QUARANTINE_COLUMNS",
    "LoadedDataset",
    "DataBundle",
    "load_dataset",
    "load_data_dir",
    "find_dataset_files",
    "find_workbook_sheets",
    "dataset_name_for",
    "INSTRUCTIONS_SHEET",
    "years_covered",
    "require_data_of_year",
]

#: The sheet of a data workbook (``qualepref init``) that explains how to fill it in: never data.
INSTRUCTIONS_SHEET = "Mode d'emploi"

QUARANTINE_COLUMNS = ["fichier", "ligne", "colonne", "valeur", "motif"]


@dataclass
class LoadedDataset:
    """A validated data set.

    Attributes
    ----------
    name : str
        Data set name (``correspondances``, ``appels``...).
    path : Path
        The file it was read from.
    frame : pandas.DataFrame
        Valid rows, typed; index = row number in the file. Codes are in their
        canonical form; dates are ``datetime64``; months are monthly periods.
    quarantine : pandas.DataFrame
        One line per error: ``fichier``, ``ligne``, ``colonne``, ``valeur``
        (scrubbed; free text masked), ``motif``. A row may have several errors.
    rows_read : int
        Non-blank rows read from the file.
    blank_rows : int
        Fully blank rows ignored.
    sha256 : str
        Hash of the file's bytes.
    """

    name: str
    path: Path
    frame: pd.DataFrame
    quarantine: pd.DataFrame
    rows_read: int
    blank_rows: int = 0
    sha256: str = ""

    @property
    def rows_kept(self) -> int:
        return len(self.frame)

    @property
    def rows_quarantined(self) -> int:
        return int(self.quarantine["ligne"].nunique()) if len(self.quarantine) else 0


@dataclass
class DataBundle:
    """Every data set found in a data folder, and the files that could not be loaded."""

    directory: Path
    datasets: dict[str, LoadedDataset] = field(default_factory=dict)
    failures: dict[str, DataFileError] = field(default_factory=dict)

    def __contains__(self, name: str) -> bool:
        return name in self.datasets

    def frame(self, name: str) -> pd.DataFrame | None:
        """The valid rows of a data set, or ``None`` when it is absent or failed to load."""
        loaded = self.datasets.get(name)
        return None if loaded is None else loaded.frame

    @property
    def quarantine(self) -> pd.DataFrame:
        """Every quarantined row of every data set."""
        parts = [d.quarantine for d in self.datasets.values() if len(d.quarantine)]
        if not parts:
            return pd.DataFrame(columns=QUARANTINE_COLUMNS)
        return pd.concat(parts, ignore_index=True)

    @property
    def input_hashes(self) -> dict[str, str]:
        """File name → SHA-256 of every loaded file."""
        return {d.path.name: d.sha256 for d in self.datasets.values()}


def dataset_name_for(path: str | Path) -> str:
    """The data set a file holds, from its name (``Correspondances.CSV`` → ``correspondances``).

    Raises
    ------
    UnknownDatasetError
        The name matches no data set of the contract.
    """
    path = Path(path)
    stem = fold_accents(path.stem).casefold().strip().replace(" ", "_").replace("-", "_")
    if stem in DATASETS:
        return stem
    raise UnknownDatasetError(
        path, f"aucun jeu de données ne s'appelle « {path.stem} » ; noms attendus : "
              f"{', '.join(DATASETS)} (fichier NOM.csv ou NOM.xlsx)."
    )


def find_dataset_files(directory: str | Path) -> tuple[dict[str, Path], dict[str, DataFileError]]:
    """Map each data set to its file in ``directory``; report unknown or duplicated files."""
    directory = Path(directory)
    files: dict[str, Path] = {}
    problems: dict[str, DataFileError] = {}
    for path in sorted(directory.iterdir()):
        if not path.is_file() or path.name.startswith((".", "~$")):
            continue
        suffix = path.suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            if suffix in (".xls", ".ods", ".txt", ".tsv"):
                problems[path.name] = DataFileError(
                    path, f"format {suffix} non pris en charge ; enregistrez ce fichier en CSV ou XLSX.")
            continue
        try:
            name = dataset_name_for(path)
        except UnknownDatasetError as exc:
            problems[path.name] = exc
            continue
        if name in files:
            problems[path.name] = DataFileError(
                path, f"le jeu de données « {name} » est aussi dans {files[name].name} ; "
                      "ne gardez qu'un fichier par jeu de données.")
            continue
        files[name] = path
    return files, problems


def _header_key(name: str) -> str:
    return fold_accents(normalise_header(name)).replace(" ", "_").replace("-", "_")


def _match_columns(raw: RawTable, spec: DatasetSpec, mapping: dict[str, str], path: Path) -> dict[int, str]:
    """Position → contract column name (or a cleaned name for extra columns)."""
    contract = {col.name for col in spec.columns}
    names: dict[int, str] = {}
    seen: dict[str, int] = {}
    for position, header in enumerate(raw.headers):
        normalised = normalise_header(header)
        target = mapping.get(normalised) or _header_key(header)
        if not target:
            target = f"colonne_sans_nom_{position + 1}"
        if target in seen:
            raise DataFileError(
                path, f"la colonne « {mask_cell(header, personal=False)} » apparaît deux fois (colonnes {seen[target] + 1} et "
                      f"{position + 1}) ; supprimez ou renommez l'une d'elles.")
        seen[target] = position
        names[position] = target
    missing = [col.name for col in spec.columns if col.present and col.name not in seen]
    if missing:
        # A file without a header row shows its first data row here: scrubbed like any cell.
        found = ", ".join(mask_cell(h.strip(), personal=False) or "(vide)" for h in raw.headers) or "(aucune)"
        mapped = " (après application de params/sites.yaml: colonnes)" if mapping else ""
        unmatched = [raw.headers[p] for p, target in names.items() if target not in contract and raw.headers[p].strip()]
        closest = _closest_header(missing[0], unmatched)
        if closest is not None:
            shown = mask_cell(closest.strip(), personal=False)
            advice = (f"l'en-tête le plus proche est « {shown} » : si c'est elle, ajoutez-le aux `colonnes` de "
                      f"params/sites.yaml (colonnes: {spec.name}: {{\"{shown}\": {missing[0]}}}).")
        else:
            advice = (f"renommez les en-têtes du fichier ou ajoutez une correspondance dans params/sites.yaml "
                      f"(colonnes: {spec.name}: {{\"En-tête du fichier\": {missing[0]}}}).")
        raise MissingColumnError(
            path,
            f"colonne(s) obligatoire(s) absente(s) : {', '.join(missing)} — {advice} Colonnes trouvées{mapped} : "
            f"{found}.",
        )
    unknown_targets = set(mapping.values()) - contract
    if unknown_targets:
        raise DataFileError(
            path, f"params/sites.yaml renvoie vers des colonnes inconnues du jeu « {spec.name} » : "
                  f"{', '.join(sorted(unknown_targets))} ; colonnes possibles : {', '.join(spec.column_names)}.")
    return names


_LONGEST_HEADER = 120


def _closest_header(column: str, headers: list[str]) -> str | None:
    """The header of the file most like the contract's ``column`` (None when none is close)."""
    import difflib

    headers = [h for h in headers if len(h) <= _LONGEST_HEADER]  # a damaged file's whole row is no header

    def likeness(header: str) -> float:  # « Date d'arrivée du courrier » is as close as « Date d'arrivée »
        key = _header_key(header)
        return max(difflib.SequenceMatcher(None, column, candidate).ratio()
                   for candidate in (key, key[:len(column)]))

    scored = sorted(((likeness(h), h) for h in headers), key=lambda pair: -pair[0])
    return scored[0][1] if scored and scored[0][0] >= 0.5 else None


def _strip(values: pd.Series) -> pd.Series:
    """Trimmed strings, computed once per distinct value."""
    codes, uniques = pd.factorize(values.astype(str), sort=False)
    stripped = pd.Index(uniques).str.strip().to_numpy(dtype=object)
    return pd.Series(stripped[codes] if len(codes) else [], index=values.index, dtype=object)


def _scrubbed(raw: pd.Series, scrubber: LabelScrubber) -> pd.Series:
    """Personal data removed from every distinct value (labels and free codes are shown in the review).

    The scrubber remembers what it has seen: a value repeated in other columns or files is scrubbed once.
    """
    codes, uniques = pd.factorize(raw, sort=False)
    clean = pd.Series(scrubber.scrub([str(u) for u in uniques]), dtype=object)
    return pd.Series(clean.to_numpy()[codes] if len(codes) else [], index=raw.index, dtype=object)


def _label_scrubber(params: Params) -> LabelScrubber:
    """The scrubber of the labels of one load: the sites' names of ``params/sites.yaml`` are places, not people."""
    return LabelScrubber([params.prefecture, *(site.libelle for site in params.sites.values())])


def _parse_column(raw: pd.Series, col: ColumnSpec, *, excel: bool, scrubber: LabelScrubber | None = None,
                  site_names: SiteNames | None = None) -> Parsed:
    """Parse a column once per distinct value (registers repeat dates and codes a lot)."""
    if col.kind in ("site", "perimeter") and site_names is not None and not raw.empty:
        raw = site_names.resolve(raw)  # « Sous-préfecture de Sélestat-Erstein » → its code
    if col.kind in ("label", "free_code") and not raw.empty:
        # an e-mail typed in a service column, or an agent's surname in an action title, never reaches the review
        raw = _scrubbed(raw, scrubber if scrubber is not None else LabelScrubber())
    if col.kind in ("id", "text", "label") or raw.empty:
        return _parse_values(raw, col, excel=excel)
    codes, uniques = pd.factorize(raw, sort=False)
    distinct = pd.Series(uniques, dtype=object)
    parsed = _parse_values(distinct, col, excel=excel)
    values = parsed.values.take(codes)
    values.index = raw.index
    reasons = pd.Series("", index=distinct.index, dtype=object)
    reasons.loc[parsed.errors.index] = parsed.errors.to_numpy()
    per_row = pd.Series(reasons.to_numpy()[codes], index=raw.index)
    return Parsed(values, per_row[per_row != ""])


def _parse_values(raw: pd.Series, col: ColumnSpec, *, excel: bool) -> Parsed:
    kind = col.kind
    if kind == "date":
        return parse_dates(raw, excel=excel)
    if kind == "month":
        return parse_months(raw, excel=excel)
    if kind == "period":
        return parse_periods(raw)
    if kind == "number":
        return parse_numbers(raw)
    if kind in ("int", "year", "answer"):
        parsed = parse_integers(raw)
        if kind == "year":
            out = parsed.values.notna() & ~parsed.values.between(1900, 2100).fillna(False)
            extra = pd.Series("année attendue (AAAA)", index=raw.index[out.to_numpy(dtype=bool)], dtype=object)
            parsed = Parsed(parsed.values.mask(out), pd.concat([parsed.errors, extra]))
        return parsed
    if kind in ("code", "free_code", "perimeter"):
        return parse_codes(raw)
    if kind == "site":
        return parse_site_codes(raw)
    values = raw.astype("string")
    values[raw == ""] = pd.NA
    return Parsed(values, pd.Series([], index=raw.index[:0], dtype=object))


def _error_frame(path: Path, rows: pd.Index, column: str, values: pd.Series, reasons: pd.Series | str,
                 personal: bool) -> pd.DataFrame:
    shown = [mask_cell(v, personal=personal) for v in values.loc[rows]]
    return pd.DataFrame({
        "fichier": path.name,
        "ligne": rows.to_numpy(),
        "colonne": column,
        "valeur": shown,
        "motif": reasons if isinstance(reasons, str) else reasons.loc[rows].to_numpy(),
    })


def _schema_errors(exc: pa.errors.SchemaErrors, spec: DatasetSpec, raw_cells: pd.DataFrame,
                   path: Path, personal: set[str], typed: pd.DataFrame) -> list[pd.DataFrame]:
    cases = exc.failure_cases
    cases = cases[cases["index"].notna()]
    rule_by_reason = {rule.reason: rule for rule in spec.rules}
    out: list[pd.DataFrame] = []
    for (context, column, check), group in cases.groupby(["schema_context", "column", "check"], dropna=False):
        rows = pd.Index(group["index"].astype("int64").unique())
        if context == "DataFrameSchema":
            rule = rule_by_reason.get(check)
            if rule is None or column != rule.columns[0]:
                continue  # pandera lists every column of a frame-wide check; report the rule's own
            values = pd.Series([mask_cell(v, personal=column in personal) for v in raw_cells[column].loc[rows]],
                               index=rows, dtype=object)
            for other in rule.columns[1:]:
                shown = [mask_cell(v, personal=other in personal) for v in raw_cells[other].loc[rows]]
                values = values + f" ({other} : " + pd.Series(shown, index=rows, dtype=object) + ")"
            reasons = rule.reason if rule.explain is None else rule.explain(typed.loc[rows])
            out.append(_error_frame(path, rows, column, values, reasons, False))
        else:
            reason = "identifiant en double (même valeur sur plusieurs lignes)" if check == "field_uniqueness" else check
            out.append(_error_frame(path, rows, str(column), raw_cells[column], reason, column in personal))
    return out


def find_workbook_sheets(workbook: str | Path) -> tuple[dict[str, str], dict[str, DataFileError], list[str]]:
    """Map each data set to its sheet in a data workbook (one sheet per data set, named after it).

    The « Mode d'emploi » sheet and sheets whose name starts with « _ » (lists of values) are not
    data. A data set's sheet holding its headers but no row counts as absent.

    Returns
    -------
    sheets : dict of str to str
        Data set → sheet name, for the sheets holding at least one row.
    problems : dict of str to DataFileError
        Sheet label → why it is not a data set of the contract.
    empty : list of str
        Data sets whose sheet holds no row (left empty in the template).
    """
    workbook = Path(workbook)
    sheets: dict[str, str] = {}
    problems: dict[str, DataFileError] = {}
    empty: list[str] = []
    for title, has_rows in workbook_sheets(workbook).items():
        if title.startswith("_") or fold_accents(normalise_header(title)) == fold_accents(
                normalise_header(INSTRUCTIONS_SHEET)):
            continue
        where = _sheet_label(workbook, title)
        try:
            name = dataset_name_for(Path(title))
        except UnknownDatasetError:
            if not has_rows:
                continue  # an empty « Feuil1 » added by the spreadsheet program holds nothing to lose
            problems[where.name] = UnknownDatasetError(
                where, f"aucun jeu de données ne s'appelle « {title} » ; noms de feuille attendus : "
                       f"{', '.join(DATASETS)}.")
            continue
        if name in sheets:
            problems[where.name] = DataFileError(where, f"le jeu de données « {name} » est aussi dans la feuille "
                                                        f"« {sheets[name]} » ; n'en gardez qu'une.")
            continue
        if not has_rows:
            empty.append(name)  # left empty (headers only, or nothing): the data set is absent
            continue
        sheets[name] = title
    return sheets, problems, empty


def _sheet_label(workbook: Path, sheet: str) -> Path:
    """How errors and the quarantine name a sheet: « modele-donnees.xlsx (feuille correspondances) »."""
    return workbook.with_name(f"{workbook.name} (feuille {sheet})")


def load_dataset(path: str | Path, params: Params, *, name: str | None = None,
                 scrubber: LabelScrubber | None = None, sheet: str | None = None) -> LoadedDataset:
    """Read, type and validate one data file.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` or ``.xlsx`` file of the data contract.
    params : Params
        Declared sites and column mappings.
    name : str, optional
        Data set name; by default taken from the file name.
    scrubber : LabelScrubber, optional
        Scrubber of the ``label`` and ``free_code`` columns, shared by the files of one load
        (:func:`load_data_dir`); by default a new one knowing the sites of ``params``.
    sheet : str, optional
        The sheet of an XLSX workbook holding the data set (by default its first one); errors and the
        quarantine then name the workbook and the sheet.

    Returns
    -------
    LoadedDataset
        Valid rows and the quarantine of the others.

    Raises
    ------
    DataFileError
        The file cannot be read, a required column is missing, or the data set is unknown.
    """
    source = Path(path)
    path = source if sheet is None else _sheet_label(source, sheet)  # what errors and the quarantine name
    name = name or dataset_name_for(path if sheet is None else Path(sheet))
    if name not in DATASETS:
        raise UnknownDatasetError(path, f"jeu de données inconnu « {name} » ; noms possibles : {', '.join(DATASETS)}.")
    spec = DATASETS[name]
    scrubber = scrubber if scrubber is not None else _label_scrubber(params)
    raw = read_table(source, sheet=sheet)
    names = _match_columns(raw, spec, params.column_mappings.get(name, {}), path)
    cells = raw.rows.rename(columns=names)
    cells = pd.DataFrame({c: _strip(cells[c]) for c in cells.columns}, index=cells.index)
    for col in spec.columns:
        if col.name not in cells.columns:
            cells[col.name] = ""
    value_mappings = params.value_mappings.get(name, {})
    typed_cells = apply_value_mappings(cells, value_mappings)  # the office's words → the contract's codes
    site_names = SiteNames(params.sites)
    personal = {col.name for col in spec.columns if col.personal}
    question_columns = tuple(c for c in cells.columns if spec.questions and c.startswith(QUESTION_PREFIX))
    errors: list[pd.DataFrame] = []
    if raw.overlong_rows:
        rows = pd.Index(sorted(raw.overlong_rows))
        counts = pd.Series({r: f"{n} valeurs pour {len(raw.headers)} colonnes : séparateur ou guillemet en trop ?"
                            for r, n in raw.overlong_rows.items()})
        errors.append(_error_frame(path, rows, "(ligne)", pd.Series("", index=rows), counts, False))

    typed = pd.DataFrame(index=cells.index)
    specs = [*spec.columns, *(ColumnSpec(q, "answer", required=False) for q in question_columns)]
    for col in specs:
        column_cells = typed_cells[col.name]
        if col.default is not None:
            column_cells = column_cells.mask(column_cells == "", col.default)
        parsed = _parse_column(column_cells, col, excel=raw.excel, scrubber=scrubber, site_names=site_names)
        typed[col.name] = parsed.values
        if len(parsed.errors):
            errors.append(_error_frame(path, parsed.errors.index, col.name, column_cells, parsed.errors,
                                       col.name in personal))
        if col.required:
            empty = column_cells.index[column_cells == ""]
            if len(empty):
                errors.append(_error_frame(path, empty, col.name, column_cells, "valeur obligatoire manquante", False))
    for extra in cells.columns:
        if extra not in typed.columns:
            typed[extra] = cells[extra].astype("string")

    hints = {column: allowed_values_hint(column, mapping) for column, mapping in value_mappings.items()}
    schema = build_schema(spec, tuple(params.sites), question_columns, hints=hints)
    try:
        schema.validate(typed, lazy=True)
    except pa.errors.SchemaErrors as exc:
        errors.extend(_schema_errors(exc, spec, cells, path, personal, typed))

    quarantine = (pd.concat(errors, ignore_index=True) if errors
                  else pd.DataFrame(columns=QUARANTINE_COLUMNS))
    quarantine = quarantine.sort_values(["ligne", "colonne"], kind="stable").reset_index(drop=True)
    bad_rows = pd.Index(quarantine["ligne"].unique())
    frame = typed.loc[~typed.index.isin(bad_rows)]
    return LoadedDataset(name, path, frame, quarantine, rows_read=len(cells), blank_rows=raw.blank_rows,
                         sha256=file_sha256(source))


def load_data_dir(directory: str | Path, params: Params) -> DataBundle:
    """Load every data set of a data folder, or of a data workbook; file-level failures are collected.

    Parameters
    ----------
    directory : str or Path
        A folder of files named after their data set (``correspondances.csv``, ``appels.xlsx``…), or
        an XLSX workbook with one sheet per data set, named after it (``qualepref init`` writes one:
        ``modele-donnees.xlsx``).
    params : Params
        Declared sites, column and value mappings.

    Raises
    ------
    DataFileError
        The folder (or workbook) does not exist.
    """
    directory = Path(directory)
    if directory.is_file() and directory.suffix.lower() == ".xlsx":
        return _load_workbook(directory, params)
    if not directory.is_dir():
        raise DataFileError(directory, "dossier de données introuvable ; indiquez le dossier qui contient "
                                       "correspondances.csv (ou .xlsx).")
    files, problems = find_dataset_files(directory)
    bundle = DataBundle(directory, failures=dict(problems))
    scrubber = _label_scrubber(params)  # one for the folder: a label seen in several files is scrubbed once
    for name, path in files.items():
        try:
            bundle.datasets[name] = load_dataset(path, params, name=name, scrubber=scrubber)
        except DataFileError as exc:
            bundle.failures[path.name] = exc
    _check_margins_against_survey(bundle)
    return bundle


def _load_workbook(workbook: Path, params: Params) -> DataBundle:
    sheets, problems, _ = find_workbook_sheets(workbook)
    bundle = DataBundle(workbook, failures=dict(problems))
    scrubber = _label_scrubber(params)
    for name, sheet in sheets.items():
        try:
            bundle.datasets[name] = load_dataset(workbook, params, name=name, scrubber=scrubber, sheet=sheet)
        except DataFileError as exc:
            bundle.failures[_sheet_label(workbook, sheet).name] = exc
    _check_margins_against_survey(bundle)
    return bundle


def _move_to_quarantine(loaded: LoadedDataset, rows: pd.Index, column: str, reason: str) -> None:
    if len(rows) == 0:
        return
    values = loaded.frame.loc[rows, column].astype(str)
    errors = _error_frame(loaded.path, rows, column, values, reason, False)
    loaded.quarantine = (pd.concat([loaded.quarantine, errors], ignore_index=True)
                         .sort_values(["ligne", "colonne"], kind="stable").reset_index(drop=True))
    loaded.frame = loaded.frame.drop(index=rows)


def _check_margins_against_survey(bundle: DataBundle) -> None:
    """Rules of ``marges`` that need ``enquetes``: the variable is a survey column, the modality one of its values."""
    margins, survey = bundle.datasets.get("marges"), bundle.datasets.get("enquetes")
    if margins is None or survey is None or margins.frame.empty:
        return
    frame = margins.frame
    unknown_variable = frame.index[~frame["variable"].isin(survey.frame.columns)]
    _move_to_quarantine(margins, unknown_variable, "variable",
                        "variable absente du fichier enquetes ; indiquez le nom d'une de ses colonnes "
                        "(par exemple service ou demi_journee)")
    frame = margins.frame
    observed: set[tuple[str, str, str, str]] = set()
    for variable in frame["variable"].dropna().unique():
        pairs = survey.frame[["site", "campagne", variable]].dropna().drop_duplicates()
        observed.update((s, c, variable, str(v)) for s, c, v in pairs.itertuples(index=False))
    keys = zip(frame["site"], frame["campagne"], frame["variable"], frame["modalite"])
    absent = frame.index[[key not in observed for key in keys]]
    _move_to_quarantine(margins, absent, "modalite",
                        "aucun répondant de l'enquête de ce site et de cette campagne n'a cette modalité ; "
                        "vérifiez l'orthographe ou regroupez-la avec une modalité voisine")


def latest_date(frame: pd.DataFrame) -> dt.date | None:
    """The latest date found in any date column of a frame (default extraction date)."""
    dates = [frame[c].max() for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])]
    dates = [d for d in dates if pd.notna(d)]
    return max(dates).date() if dates else None


#: The column that dates each row of a data set, for :func:`years_covered`.
_DATING_KINDS = ("date", "month", "year", "period")


def _years_of(loaded: LoadedDataset) -> set[int]:
    spec = DATASETS[loaded.name]
    dating = next((c.name for c in spec.columns if c.kind in _DATING_KINDS and c.required), None)
    if dating is None or dating not in loaded.frame.columns or not len(loaded.frame):
        return set()
    values = loaded.frame[dating].dropna()
    if pd.api.types.is_datetime64_any_dtype(values) or isinstance(values.dtype, pd.PeriodDtype):
        years = values.dt.year
    else:
        years = pd.to_numeric(values.astype(str).str[:4], errors="coerce").dropna()
    return {int(y) for y in years.unique()}


def years_covered(bundle: DataBundle) -> dict[str, set[int]]:
    """The years each loaded data set has rows for (by its dating column: a date, a month, a year).

    Parameters
    ----------
    bundle : DataBundle

    Returns
    -------
    dict of str to set of int
        Data set → years with at least one kept row (data sets without such a column are left out).
    """
    return {name: years for name, loaded in bundle.datasets.items() if (years := _years_of(loaded))}


def require_data_of_year(bundle: DataBundle, year: int) -> None:
    """Stop before a review of empty tables: no data set has a single row of ``year``.

    Raises
    ------
    DataFileError
        Naming the years the data cover and what to do.
    """
    covered = years_covered(bundle)
    if any(year in years for years in covered.values()):
        return
    register = sorted(covered.get("correspondances", set()))
    if register:
        span = f"le registre des correspondances couvre {register[0]}" + (
            f" à {register[-1]}" if len(register) > 1 else "")
        advice = f"choisissez par exemple --year {register[-1]} ou ajoutez les données de {year}"
    else:
        span, advice = "aucun registre n'a de ligne datée", f"ajoutez les données de {year}"
    raise DataFileError(bundle.directory, f"aucune donnée de {year} : {span} ; {advice} "
                                          "(ou changez « annee » dans default.yaml).")
