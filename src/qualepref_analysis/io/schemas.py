"""The data contract as data: one declarative spec per data set.

Each :class:`DatasetSpec` lists its columns (kind, whether the column must be
present, whether a value is required, allowed codes, bounds, uniqueness) and
its cross-column rules. The loader (:mod:`qualepref_analysis.io.datasets`) parses
every column by its kind, then validates the typed frame with the pandera
schema built here by :func:`build_schema`. Adding a data set or a rule means
editing this table, not writing a loader.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

import pandas as pd
import pandera.pandas as pa

__all__ = [
    "ColumnSpec",
    "FrameRule",
    "DatasetSpec",
    "DATASETS",
    "TAXONOMY",
    "QUESTION_PREFIX",
    "build_schema",
    "dataset_names",
]

QUESTION_PREFIX = "q_"

TAXONOMY = (
    "delai_instruction",
    "prise_rdv",
    "accueil_physique",
    "joignabilite",
    "demarche_en_ligne",
    "titre_delivre",
    "decision_contestee",
    "autre",
)

# Column kinds understood by the loader.
#   id        non-empty string, usually unique
#   site      a site code declared in params/sites.yaml
#   perimeter `departement` or a declared site code
#   code      one of `codes` (matched case- and accent-insensitively)
#   free_code a code without a fixed list (normalised like codes: `Accueil général` → `accueil_general`)
#   label     free short text kept as typed (action titles, labels)
#   text      free text that may contain personal data: never shown raw, masked in the quarantine
#   date      ISO, dd/mm/yyyy or an Excel date
#   month     YYYY-MM (also MM/YYYY or a date): stored as a monthly period
#   period    YYYY-Tn or YYYY
#   int, number, year, answer (1-4)
KINDS = ("id", "site", "perimeter", "code", "free_code", "label", "text", "date", "month",
         "period", "int", "number", "year", "answer")


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a data set."""

    name: str
    kind: str
    present: bool = True  # the column must be in the file
    required: bool = True  # a value is required in every row
    codes: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    unique: bool = False
    default: str | None = None  # value used when the optional column is absent or the cell empty
    personal: bool = False  # may hold personal data: masked in error reports

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


@dataclass(frozen=True)
class FrameRule:
    """A rule across columns of one row, or across rows.

    ``test`` takes the typed frame and returns a boolean Series, True where the
    row is valid (rows with a missing operand must return True: emptiness is
    checked elsewhere). ``columns`` are the columns reported in the quarantine;
    the first one carries the error.
    """

    name: str
    columns: tuple[str, ...]
    reason: str
    test: Callable[[pd.DataFrame], pd.Series]
    #: optional: the reason of each failing row in its own terms (the frame's failing rows → reasons)
    explain: Callable[[pd.DataFrame], pd.Series] | None = None


@dataclass(frozen=True)
class DatasetSpec:
    """A data set of the contract: its columns and rules."""

    name: str
    description: str
    columns: tuple[ColumnSpec, ...]
    rules: tuple[FrameRule, ...] = ()
    questions: bool = False  # every `q_*` column is a 1-4 answer
    optional: bool = True  # the data set may be absent from the data folder

    def column(self, name: str) -> ColumnSpec:
        """The spec of one column."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(col.name for col in self.columns)


def _not_before(later: str, earlier: str) -> Callable[[pd.DataFrame], pd.Series]:
    def test(frame: pd.DataFrame) -> pd.Series:
        ok = frame[later] >= frame[earlier]
        return ok.fillna(True).astype(bool) | frame[later].isna() | frame[earlier].isna()
    return test


def _not_more_than(small: str, large: str) -> Callable[[pd.DataFrame], pd.Series]:
    def test(frame: pd.DataFrame) -> pd.Series:
        ok = frame[small] <= frame[large]
        return ok.fillna(True).astype(bool) | frame[small].isna() | frame[large].isna()
    return test


def _engagement_in_referential(frame: pd.DataFrame) -> pd.Series:
    limit = frame["referentiel"].map({"2021": 9, "2023": 8})
    ok = frame["engagement"] <= limit
    return ok.fillna(True).astype(bool) | frame["engagement"].isna() | limit.isna()


def _unique_combination(columns: list[str]) -> Callable[[pd.DataFrame], pd.Series]:
    def test(frame: pd.DataFrame) -> pd.Series:
        return ~frame.duplicated(subset=columns, keep=False)
    return test


def _margins_consistent(frame: pd.DataFrame) -> pd.Series:
    """Margins of the variables of one site and campaign have the same total (±0.5 %)."""
    valid = frame.dropna(subset=["site", "campagne", "variable", "effectif"])
    totals = valid.groupby(["site", "campagne", "variable"], dropna=True)["effectif"].sum()
    if totals.empty:
        return pd.Series(True, index=frame.index)
    spread = totals.groupby(level=["site", "campagne"]).agg(["min", "max"])
    bad = spread[(spread["max"] - spread["min"]) > 0.005 * spread["max"]]
    if bad.empty:
        return pd.Series(True, index=frame.index)
    keys = pd.MultiIndex.from_frame(frame[["site", "campagne"]])
    return pd.Series(~keys.isin(bad.index), index=frame.index)


def _plain_number(value: float) -> str:
    """« 1 200 », « 12,5 »: French digits without the report layer (io does not import it)."""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return text.replace(",", "\u202f").replace(".", ",")


def _margins_explained(frame: pd.DataFrame) -> pd.Series:
    """For rows of disagreeing margins: their site, campaign and each variable's total."""
    valid = frame.dropna(subset=["site", "campagne", "variable", "effectif"])
    totals = valid.groupby(["site", "campagne", "variable"], dropna=True)["effectif"].sum()
    reasons = {}
    for (site, campaign), group in totals.groupby(level=["site", "campagne"]):
        listed = ", ".join(f"{variable} {_plain_number(total)}" for (_, _, variable), total in group.items())
        reasons[(site, campaign)] = (f"les marges du site {site}, campagne {campaign}, n'ont pas le même total "
                                     f"d'une variable à l'autre ({listed} ; écart > 0,5 %) : corrigez les effectifs "
                                     "pour que chaque variable totalise la même population")
    keys = list(zip(frame["site"], frame["campagne"]))
    return pd.Series([reasons.get(key, "") for key in keys], index=frame.index, dtype=object)


_CHANNELS = ("courriel", "courrier", "services_publics_plus", "urne", "formulaire_web")

DATASETS: dict[str, DatasetSpec] = {
    spec.name: spec
    for spec in (
        DatasetSpec(
            "correspondances",
            "Demandes écrites reçues : réclamations, suggestions, demandes d'information",
            (
                ColumnSpec("id", "id", unique=True),
                ColumnSpec("site", "site"),
                ColumnSpec("type", "code", codes=("reclamation", "suggestion", "information")),
                ColumnSpec("canal", "code", codes=_CHANNELS),
                ColumnSpec("service", "free_code", present=False, required=False),
                ColumnSpec("date_reception", "date"),
                ColumnSpec("date_reponse", "date", required=False),
                ColumnSpec("texte", "text", present=False, required=False, personal=True),
                ColumnSpec("categorie", "code", present=False, required=False, codes=TAXONOMY),
            ),
            rules=(
                FrameRule("reponse_apres_reception", ("date_reponse", "date_reception"),
                          "la date de réponse précède la date de réception",
                          _not_before("date_reponse", "date_reception")),
            ),
            optional=False,
        ),
        DatasetSpec(
            "appels",
            "Appels téléphoniques reçus et décrochés par mois",
            (
                ColumnSpec("site", "site"),
                ColumnSpec("mois", "month"),
                ColumnSpec("service", "free_code", present=False, required=False),
                ColumnSpec("appels_recus", "int", minimum=0),
                ColumnSpec("appels_decroches", "int", minimum=0),
            ),
            rules=(
                FrameRule("decroches_inferieurs_recus", ("appels_decroches", "appels_recus"),
                          "plus d'appels décrochés que d'appels reçus",
                          _not_more_than("appels_decroches", "appels_recus")),
            ),
        ),
        DatasetSpec(
            "site_internet",
            "Demandes de mise à jour du site internet",
            (
                ColumnSpec("id", "id", unique=True),
                ColumnSpec("site", "site"),
                ColumnSpec("date_demande", "date"),
                ColumnSpec("date_publication", "date", required=False),
            ),
            rules=(
                FrameRule("publication_apres_demande", ("date_publication", "date_demande"),
                          "la date de publication précède la date de demande",
                          _not_before("date_publication", "date_demande")),
            ),
        ),
        DatasetSpec(
            "frequentation_pan",
            "Visites des points d'accueil numérique",
            (
                ColumnSpec("site", "site"),
                ColumnSpec("mois", "month"),
                ColumnSpec("pan", "free_code"),
                ColumnSpec("demarche", "free_code", present=False, required=False),
                ColumnSpec("visites", "int", minimum=0),
            ),
        ),
        DatasetSpec(
            "chatbot",
            "Conversations du chatbot par mois",
            (
                ColumnSpec("mois", "month"),
                ColumnSpec("theme", "free_code", present=False, required=False),
                ColumnSpec("conversations", "int", minimum=0),
            ),
        ),
        DatasetSpec(
            "enquetes",
            "Enquêtes de satisfaction : une ligne par répondant",
            (
                ColumnSpec("id", "id", unique=True),
                ColumnSpec("site", "site"),
                ColumnSpec("campagne", "free_code"),
                ColumnSpec("date", "date"),
                ColumnSpec("service", "free_code"),
                ColumnSpec("mode", "code", codes=("qr", "papier")),
                ColumnSpec("demi_journee", "code", present=False, required=False, codes=("matin", "apres_midi")),
            ),
            questions=True,
        ),
        DatasetSpec(
            "marges",
            "Marges de population pour le redressement des enquêtes",
            (
                ColumnSpec("site", "site"),
                ColumnSpec("campagne", "free_code"),
                ColumnSpec("variable", "free_code"),
                ColumnSpec("modalite", "free_code"),
                ColumnSpec("effectif", "number", minimum=0, exclusive_minimum=True),
            ),
            rules=(
                FrameRule("modalite_unique", ("modalite", "variable"),
                          "modalité donnée deux fois pour ce site, cette campagne et cette variable",
                          _unique_combination(["site", "campagne", "variable", "modalite"])),
                FrameRule("totaux_coherents", ("effectif", "variable"),
                          "les marges des différentes variables de ce site et de cette campagne "
                          "n'ont pas le même total (écart > 0,5 %)",
                          _margins_consistent, explain=_margins_explained),
            ),
        ),
        DatasetSpec(
            "sp_indicateurs",
            "Indicateurs de transparence Services Publics+",
            (
                ColumnSpec("perimetre", "perimeter"),
                ColumnSpec("periode", "period"),
                ColumnSpec("indicateur", "free_code"),
                ColumnSpec("valeur", "number"),
                ColumnSpec("unite", "code", codes=("pourcent", "jours", "score_5")),
                ColumnSpec("cible", "number", present=False, required=False),
            ),
        ),
        DatasetSpec(
            "sp_experiences",
            "Expériences d'usagers publiées sur Services Publics+",
            (
                ColumnSpec("id", "id", unique=True),
                ColumnSpec("site", "site"),
                ColumnSpec("date", "date"),
                ColumnSpec("ressenti", "code", codes=("positif", "neutre", "negatif")),
                ColumnSpec("texte", "text", present=False, required=False, personal=True),
                ColumnSpec("date_reponse", "date", present=False, required=False),
            ),
            rules=(
                FrameRule("reponse_apres_experience", ("date_reponse", "date"),
                          "la date de réponse précède la date de l'expérience",
                          _not_before("date_reponse", "date")),
            ),
        ),
        DatasetSpec(
            "sp_diagnostic",
            "Diagnostic Services Publics+ : taux d'atteinte par engagement",
            (
                ColumnSpec("site", "site"),
                ColumnSpec("annee", "year"),
                ColumnSpec("referentiel", "code", present=False, required=False, codes=("2021", "2023"),
                           default="2021"),
                ColumnSpec("engagement", "int", minimum=1),
                ColumnSpec("libelle", "label", present=False, required=False),
                ColumnSpec("taux_atteinte", "number", minimum=0, maximum=100),
            ),
            rules=(
                FrameRule("engagement_du_referentiel", ("engagement", "referentiel"),
                          "numéro d'engagement absent du référentiel (9 engagements en 2021, 8 en 2023)",
                          _engagement_in_referential),
            ),
        ),
        DatasetSpec(
            "plan_actions",
            "Plans d'actions",
            (
                ColumnSpec("site", "site"),
                ColumnSpec("annee", "year"),
                ColumnSpec("action", "label"),
                ColumnSpec("statut", "code", codes=("realisee", "en_cours", "prevue", "abandonnee")),
                ColumnSpec("echeance", "date", present=False, required=False),
                ColumnSpec("pilote", "label", present=False, required=False, personal=True),
            ),
        ),
        DatasetSpec(
            "audits",
            "Audits et autoévaluations",
            (
                ColumnSpec("site", "site"),
                ColumnSpec("date_audit", "date"),
                ColumnSpec("type", "code", codes=("autoevaluation", "labellisation", "renouvellement", "suivi")),
                ColumnSpec("module", "label"),
                ColumnSpec("engagement", "label"),
                ColumnSpec("resultat", "code", codes=("conforme", "non_conforme", "point_fort", "piste_progres")),
                ColumnSpec("commentaire", "text", present=False, required=False, personal=True),
            ),
        ),
    )
}


def dataset_names() -> tuple[str, ...]:
    """Names of the data sets of the contract, in review order."""
    return tuple(DATASETS)


def _column_checks(col: ColumnSpec, sites: tuple[str, ...], hint: str = "") -> list[pa.Check]:
    checks: list[pa.Check] = []
    if col.kind == "code" and col.codes:
        checks.append(pa.Check.isin(col.codes, error=f"valeur non reconnue ; valeurs possibles : {', '.join(col.codes)}"
                                                      f"{hint}"))
    if col.kind == "site":
        checks.append(pa.Check.isin(sites, error=(
            "site non déclaré dans params/sites.yaml ; sites déclarés : " + ", ".join(sites)
            + " (ou leur libellé, ou un de leurs alias)")))
    if col.kind == "perimeter":
        allowed = ("departement", *sites)
        checks.append(pa.Check.isin(allowed, error=f"périmètre inconnu ; valeurs possibles : {', '.join(allowed)}"))
    if col.kind == "answer":
        checks.append(pa.Check.isin((1, 2, 3, 4), error="réponse attendue entre 1 et 4 (ou vide)"))
    if col.minimum is not None:
        if col.exclusive_minimum:
            checks.append(pa.Check.gt(col.minimum, error=f"doit être strictement supérieur à {col.minimum:g}"))
        else:
            checks.append(pa.Check.ge(col.minimum, error=f"doit être supérieur ou égal à {col.minimum:g}"))
    if col.maximum is not None:
        checks.append(pa.Check.le(col.maximum, error=f"doit être inférieur ou égal à {col.maximum:g}"))
    return checks


def build_schema(spec: DatasetSpec, sites: tuple[str, ...], question_columns: tuple[str, ...] = (), *,
                 hints: Mapping[str, str] | None = None) -> pa.DataFrameSchema:
    """The pandera schema validating the typed frame of one data set.

    Parsing (types, empty required cells) is done before; this schema checks
    the rules on typed values: allowed codes, declared sites, bounds,
    uniqueness and the cross-column rules of the spec. ``hints``: per column, what the
    message of an unrecognised code adds (the office's own words mapped in ``sites.yaml``).
    """
    columns: dict[str, pa.Column] = {}
    for col in spec.columns:
        columns[col.name] = pa.Column(
            None,
            checks=_column_checks(col, sites, (hints or {}).get(col.name, "")),
            nullable=True,
            unique=col.unique,
            report_duplicates="all",
            required=True,
        )
    answer = ColumnSpec("q", "answer")
    for name in question_columns:
        columns[name] = pa.Column(None, checks=_column_checks(answer, sites), nullable=True)
    rules = [pa.Check(rule.test, name=rule.name, error=rule.reason) for rule in spec.rules]
    return pa.DataFrameSchema(columns, checks=rules, strict=False, name=spec.name)
