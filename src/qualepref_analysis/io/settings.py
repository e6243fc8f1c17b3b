"""Typed, frozen settings of a review: ``params/default.yaml`` and ``params/sites.yaml``.

Every key a prefecture may set, its type, its allowed values and its default are
declared here, once. :func:`parse_settings` and :func:`parse_sites` turn the
YAML content into frozen objects or refuse it with a French message that names
the file, the dotted key, what is allowed and, for a misspelt key, the closest
known key::

    default.yaml : `seuil_petit_effectifs` inconnu — vouliez-vous dire `seuil_petits_effectifs` ?

The objects are immutable all the way down (mappings are :class:`FrozenMap`,
sequences are tuples), hashable and picklable: the batch hands them to its
kernels. The attribute names are the French keys of the YAML files, the
vocabulary of the people who edit them.

Examples
--------
>>> from pathlib import Path
>>> raw = {"annee": 2022, "delais_jours_ouvres": {"courriel": 5}, "delai_site_internet_jours_ouvres": 3,
...        "delai_information_courriel_jours_ouvres": 5, "cibles": {"satisfaction_globale": 80},
...        "seuil_petits_effectifs": 10, "seuil_petits_effectifs_enquete": 20, "reponses_satisfaites": [3, 4]}
>>> settings = parse_settings(raw, path=Path("default.yaml"))
>>> settings.categorisation.seuil_confiance, settings.citations.activees, settings.enquetes.intervalle
(0.55, False, 'logit')
>>> settings.with_year(2023).annee
2023
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Generic, TypeVar

from qualepref_analysis.errors import ParamsError

__all__ = [
    "FrozenMap",
    "CategorisationSettings",
    "SurveySettings",
    "QuoteSettings",
    "ReviewSettings",
    "SiteSettings",
    "SitesSettings",
    "parse_settings",
    "parse_sites",
    "CALENDARS",
    "SITE_KINDS",
    "SITE_CODE_PATTERN",
    "SURVEY_INTERVALS",
]

CALENDARS = ("metropole", "alsace_moselle")
SITE_KINDS = ("prefecture", "sous_prefecture")
SITE_CODE_PATTERN = re.compile(r"^[a-z0-9_-]+$")
SURVEY_INTERVALS = ("logit", "beta", "wilson")

K = TypeVar("K")
V = TypeVar("V")


class FrozenMap(Mapping, Generic[K, V]):
    """A read-only, hashable, picklable mapping that keeps the order of its keys.

    Unlike :class:`types.MappingProxyType` it can be pickled (to the batch's kernels)
    and hashed (as part of a frozen settings object).

    Examples
    --------
    >>> m = FrozenMap({"courriel": 5})
    >>> m["courriel"], dict(m), hash(m) == hash(FrozenMap({"courriel": 5}))
    (5, {'courriel': 5}, True)
    """

    __slots__ = ("_data", "_hash")

    def __init__(self, data: Mapping[K, V] | Iterable[tuple[K, V]] = ()) -> None:
        object.__setattr__(self, "_data", dict(data))
        object.__setattr__(self, "_hash", None)

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        if self._hash is None:
            object.__setattr__(self, "_hash", hash(frozenset(self._data.items())))
        return self._hash

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} est en lecture seule")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} est en lecture seule")

    def __reduce__(self):
        return (type(self), (self._data,))

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"

    def to_dict(self) -> dict:
        """A plain (mutable) ``dict`` copy, nested mappings and settings included."""
        return _plain(self)


# --------------------------------------------------------------------------------------------
# Value rules: each converts a YAML value or raises _Invalid with what is allowed.
# --------------------------------------------------------------------------------------------


class _Invalid(Exception):
    """A value breaks its rule; ``expected`` says, in French, what is allowed."""

    def __init__(self, expected: str, *, hint: str = "", shown: str | None = None) -> None:
        super().__init__(expected)
        self.expected = expected
        self.hint = hint
        self.shown = shown


def _where(path: Path | str | None) -> str:
    return f"{path} : " if path is not None else ""


def _show(value: Any) -> str:
    """A value as the user typed it in YAML."""
    if value is None:
        return "vide"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"« {value} »"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return repr(value)
    try:
        text = json.dumps(_plain(value), ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _suggest(word: str, choices: Iterable[str]) -> str | None:
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


Rule = Callable[[Any, str, "Path | str | None"], Any]


def _checked(rule: Rule, value: Any, key: str, path: Path | str | None) -> Any:
    """``rule(value)``, or a ParamsError naming the file, the key and what is allowed."""
    try:
        return rule(value, key, path)
    except _Invalid as exc:
        shown = exc.shown if exc.shown is not None else f"vaut {_show(value)}"
        raise ParamsError(f"{_where(path)}`{key}` {shown} ; attendu : {exc.expected}.{exc.hint}") from None


def _integer(minimum: int | None = None, maximum: int | None = None, choices: tuple[int, ...] = ()) -> Rule:
    if choices:
        expected = " ou ".join(str(c) for c in choices)
    elif minimum is not None and maximum is not None:
        expected = f"un nombre entier entre {minimum} et {maximum}"
    elif minimum is not None:
        expected = f"un nombre entier ≥ {minimum}"
    else:
        expected = "un nombre entier"

    def rule(value: Any, key: str, path: Any) -> int:
        if not _is_int(value) or (choices and value not in choices) or (minimum is not None and value < minimum) \
                or (maximum is not None and value > maximum):
            raise _Invalid(expected)
        return int(value)

    return rule


def _number(minimum: float | None = None, maximum: float | None = None, *, above: bool = False) -> Rule:
    if minimum is not None and maximum is not None:
        expected = f"un nombre entre {minimum:g} et {maximum:g}"
    elif minimum is not None:
        expected = f"un nombre {'>' if above else '≥'} {minimum:g}"
    else:
        expected = "un nombre"

    def rule(value: Any, key: str, path: Any) -> float:
        if not _is_number(value):
            raise _Invalid(expected)
        if minimum is not None and (value <= minimum if above else value < minimum):
            raise _Invalid(expected)
        if maximum is not None and value > maximum:
            raise _Invalid(expected)
        return float(value)

    return rule


def _optional(rule: Rule, *, empty: str) -> Rule:
    """``rule``, or ``None`` for an empty value (``empty`` says what an empty value means)."""

    def optional(value: Any, key: str, path: Any) -> Any:
        if value is None or value == "":
            return None
        try:
            return rule(value, key, path)
        except _Invalid as exc:
            raise _Invalid(f"{exc.expected}, ou vide ({empty})", hint=exc.hint) from None

    return optional


def _boolean(value: Any, key: str, path: Any) -> bool:
    if not isinstance(value, bool):
        raise _Invalid("true ou false")
    return value


def _text(value: Any, key: str, path: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Invalid("un texte non vide")
    return value


def _choice(choices: tuple[str, ...]) -> Rule:
    expected = "une des valeurs " + ", ".join(choices)

    def rule(value: Any, key: str, path: Any) -> str:
        if not isinstance(value, str) or value not in choices:
            close = _suggest(str(value), choices) if value is not None else None
            raise _Invalid(expected, hint=f" Vouliez-vous dire « {close} » ?" if close else "")
        return value

    return rule


def _year(value: Any, key: str, path: Any) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not _is_int(value) or not 1900 <= value <= 2100:
        raise _Invalid("une année, par exemple 2022")
    return int(value)


def _date(value: Any, key: str, path: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _Invalid("une date AAAA-MM-JJ")


def _source_value(value: Any, key: str, path: Any) -> Any:
    """A value as found in a data file (text or number), kept as typed."""
    if value is None or isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _Invalid("un texte ou un nombre", hint=" Mettez la valeur entre guillemets dans le fichier YAML.",
                       shown=f"a une clé {_show(value)}")
    return value


def _tuple_of(item: Rule, *, expected: str, non_empty: bool = True, unique: bool = True) -> Rule:
    def rule(value: Any, key: str, path: Any) -> tuple:
        if not isinstance(value, (list, tuple)) or (non_empty and not value):
            raise _Invalid(expected)
        out = []
        for element in value:
            try:
                converted = item(element, key, path)
            except _Invalid:
                raise _Invalid(expected, shown=f"contient {_show(element)}") from None
            if unique and converted in out:
                raise _Invalid(expected, shown=f"contient {_show(element)} deux fois")
            out.append(converted)
        return tuple(out)

    return rule


def _unknown_key(path: Any, prefix: str, name: Any, known: Iterable[str], *, elsewhere: Iterable[str] = (),
                 what: str = "clés possibles") -> ParamsError:
    """The error for a key that is not allowed where it is: closest key, then the allowed ones."""
    known = list(known)
    dotted = f"{prefix}.{name}" if prefix else str(name)
    close = _suggest(str(name), known)
    if close is not None:
        suggestion = f"{prefix}.{close}" if prefix else close
    else:
        suggestion = next((other for other in elsewhere if other.rsplit(".", 1)[-1] == str(name)), None)
    under = f" sous `{prefix}`" if prefix else ""
    allowed = f"{what}{under} : {', '.join(known) if known else 'aucune'}."
    if suggestion is not None:
        return ParamsError(f"{_where(path)}`{dotted}` inconnu — vouliez-vous dire `{suggestion}` ? "
                           f"{allowed[0].upper()}{allowed[1:]}")
    return ParamsError(f"{_where(path)}`{dotted}` inconnu ; {allowed}")


def _mapping_of(value_rule: Rule, *, expected: str, keys: Callable[[], tuple[str, ...]] | None = None,
                key_rule: Rule | None = None, what: str = "clés possibles") -> Rule:
    """A mapping whose values follow ``value_rule``; keys are strings, from ``keys()`` when given."""

    def rule(value: Any, key: str, path: Any) -> FrozenMap:
        if value is None:
            value = {}
        if not isinstance(value, Mapping):
            raise _Invalid(expected)
        allowed = keys() if keys is not None else None
        out = {}
        for name, item in value.items():
            if key_rule is not None:
                name = _checked(key_rule, name, key, path) if not isinstance(name, str) else name
            elif not isinstance(name, str):
                raise ParamsError(f"{_where(path)}`{key}.{name}` : la clé doit être un texte ; "
                                  "mettez-la entre guillemets dans le fichier YAML.")
            if allowed is not None and name not in allowed:
                raise _unknown_key(path, key, name, allowed, what=what)
            out[name] = _checked(value_rule, item, f"{key}.{name}", path)
        return FrozenMap(out)

    return rule


def _block(cls: type) -> Rule:
    def rule(value: Any, key: str, path: Any) -> Any:
        if isinstance(value, cls):
            return value
        return _parse_block(cls, value, path=path, prefix=key)

    return rule


def _key(rule: Rule, default: Any = dataclasses.MISSING, *, factory: Callable[[], Any] | None = None) -> Any:
    """A settings field: its rule, and its default (none for a required key)."""
    if factory is not None:
        return field(default_factory=factory, metadata={"rule": rule})
    return field(default=default, metadata={"rule": rule})


class _Settings:
    """Base of every settings block: checks (and freezes) its values when built directly."""

    def __post_init__(self) -> None:
        for spec in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, spec.name)
            if value is None and spec.default is None:
                continue
            converted = _checked(spec.metadata["rule"], value, spec.name, None)
            if converted is not value:
                object.__setattr__(self, spec.name, converted)

    def as_dict(self) -> dict[str, Any]:
        """The settings as plain YAML-shaped data (dicts, lists), every default filled in."""
        return _plain(self)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {spec.name: _plain(getattr(value, spec.name)) for spec in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {name: _plain(item) for name, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _all_keys(cls: type, prefix: str = "") -> list[str]:
    """Every dotted key of a settings class (to suggest the right block for a misplaced key)."""
    keys = []
    for spec in dataclasses.fields(cls):
        dotted = f"{prefix}.{spec.name}" if prefix else spec.name
        keys.append(dotted)
        if isinstance(spec.type, str) and spec.type in _BLOCKS:
            keys += _all_keys(_BLOCKS[spec.type], dotted)
    return keys


def _parse_block(cls: type, raw: Any, *, path: Path | str | None, prefix: str = "") -> Any:
    """An instance of the settings class ``cls`` from the YAML mapping ``raw``."""
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        if prefix:
            raise ParamsError(f"{_where(path)}`{prefix}` doit être un dictionnaire de paramètres "
                              f"({', '.join(spec.name for spec in dataclasses.fields(cls))}).")
        raise ParamsError(f"{_where(path)}un dictionnaire de paramètres est attendu.")
    specs = {spec.name: spec for spec in dataclasses.fields(cls)}
    for name in raw:
        if name not in specs:
            here = {f"{prefix}.{k}" if prefix else k for k in specs}
            elsewhere = [key for key in _all_keys(_ROOTS.get(cls, ReviewSettings)) if key not in here]
            raise _unknown_key(path, prefix, name, specs, elsewhere=elsewhere)
    required = [spec.name for spec in specs.values()
                if spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING]
    missing = [f"{prefix}.{name}" if prefix else name for name in required if raw.get(name) is None]
    if missing:
        raise ParamsError(f"{_where(path)}paramètre(s) manquant(s) : {', '.join(missing)}.")
    values = {}
    for name, spec in specs.items():
        if name not in raw or (raw[name] is None and name not in required):
            continue  # absent or left empty: the default
        values[name] = _checked(spec.metadata["rule"], raw[name], f"{prefix}.{name}" if prefix else name, path)
    return cls(**values)


def _channel_codes() -> tuple[str, ...]:
    from qualepref_analysis.io.schemas import DATASETS  # lazily: pandera is heavy

    return DATASETS["correspondances"].column("canal").codes


def _dataset_names() -> tuple[str, ...]:
    from qualepref_analysis.io.schemas import DATASETS

    return tuple(DATASETS)


# --------------------------------------------------------------------------------------------
# default.yaml
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategorisationSettings(_Settings):
    """Block ``categorisation``: the complaint categoriser (lexicon + learnt model).

    Attributes
    ----------
    seuil_confiance : float
        Below this confidence (0-1) a complaint is flagged « à vérifier ». Default 0.55.
    seuil_confiance_modele : float
        With the learnt model at its full weight, a complaint is also flagged when the model's own
        calibrated probability (0-1) of the proposed subject is below this. Default 0.68.
    poids_modele_max : float
        Largest weight (0-1) of the learnt model against the lexicon; 0 is the lexicon alone. Default 0.8.
    lignes_pour_poids_max : int
        Labelled complaints (≥ 1) from which the model has its largest weight. Default 300.
    temperature_lexique : float
        Softmax temperature (> 0) of the lexicon scores. Default 1.5.
    exemples_min_par_categorie : int
        A category enters the model only with at least this many examples (≥ 1). Default 3.
    ngrammes_caracteres : bool
        Add character n-grams to the model. Default ``False``.
    ngrammes_mots : int
        Longest word (stem) sequence seen by the model: 1 or 2. Default 1.
    plis_validation : int
        Folds (≥ 2) of the cross-validation shown to the committee. Default 5.
    corpus_livre : bool
        Learn also from the labelled corpus shipped with the package (``resources/corpus_sujets.csv``),
        beside the register's own labels. Default ``True``.
    """

    seuil_confiance: float = _key(_number(0, 1), 0.55)
    seuil_confiance_modele: float = _key(_number(0, 1), 0.68)
    poids_modele_max: float = _key(_number(0, 1), 0.8)
    lignes_pour_poids_max: int = _key(_integer(1), 300)
    temperature_lexique: float = _key(_number(0, above=True), 1.5)
    exemples_min_par_categorie: int = _key(_integer(1), 3)
    ngrammes_caracteres: bool = _key(_boolean, False)
    ngrammes_mots: int = _key(_integer(choices=(1, 2)), 1)
    plis_validation: int = _key(_integer(2), 5)
    corpus_livre: bool = _key(_boolean, True)


def _str_key(value: Any, key: str, path: Any) -> str:
    raise _Invalid("un texte", hint=" Mettez la clé entre guillemets dans le fichier YAML.",
                   shown=f"a une clé {_show(value)}")


@dataclass(frozen=True)
class SurveySettings(_Settings):
    """Block ``enquetes``: weighting of the satisfaction surveys (``marges`` file).

    Attributes
    ----------
    variables_calage : tuple of str
        Margin variables used: post-stratification on one, raking on several.
        Default ``("service", "demi_journee")``.
    plafond_poids : float or None
        Weight cap, as a multiple (> 1) of the mean weight; ``None``: no cap. Default ``None``.
    regroupements : mapping of str to mapping of str to str
        Per variable, category → merged category, for margins without respondents
        (e.g. ``{"service": {"pan": "autres"}}``). Default empty.
    intervalle : str
        95 % confidence interval: ``logit``, ``beta`` (Korn–Graubard) or ``wilson``. Default ``logit``.
    min_repondants_strate : int
        A service with fewer respondents (≥ 0) in a campaign is merged, with its footfall, into
        « autres services » before post-stratification; in raking, a variable with a category
        below it is left out. 0 turns this off. Default 10.
    """

    variables_calage: tuple[str, ...] = _key(
        _tuple_of(_text, expected="une liste de variables distinctes des marges, par exemple [service, demi_journee]"),
        ("service", "demi_journee"))
    plafond_poids: float | None = _key(_optional(_number(1, above=True), empty="pas de plafond"), None)
    regroupements: Mapping[str, Mapping[str, str]] = _key(
        _mapping_of(_mapping_of(_text, expected="un dictionnaire « modalité: modalité regroupée »", key_rule=_str_key),
                    expected="un dictionnaire « variable: {modalité: modalité regroupée} », "
                             "par exemple {service: {pan: autres}}", key_rule=_str_key),
        factory=FrozenMap)
    intervalle: str = _key(_choice(SURVEY_INTERVALS), "logit")
    min_repondants_strate: int = _key(_integer(0), 10)


@dataclass(frozen=True)
class QuoteSettings(_Settings):
    """Block ``citations``: verbatim extracts of complaints in the « Réclamations » section.

    Attributes
    ----------
    activees : bool
        Show extracts at all (scrubbed of personal data first). Default ``False``.
    par_sujet : int
        Extracts per subject (≥ 1). Default 2.
    longueur_max : int
        Longest extract, in characters (≥ 40). Default 160.
    """

    activees: bool = _key(_boolean, False)
    par_sujet: int = _key(_integer(1), 2)
    longueur_max: int = _key(_integer(40), 160)


@dataclass(frozen=True)
class ReviewSettings(_Settings):
    """Content of ``default.yaml``: every setting of a review, defaults filled in.

    Attributes
    ----------
    annee : int
        Year under review (required).
    delais_jours_ouvres : mapping of str to int
        Answer deadline in working days (≥ 0) per channel code of ``correspondances.canal``
        (``courriel``, ``courrier``, ``formulaire_web``, ``services_publics_plus``, ``urne``) (required).
    delai_site_internet_jours_ouvres : int
        Deadline (working days, ≥ 0) for updating the website (required).
    delai_information_courriel_jours_ouvres : int
        Deadline (working days, ≥ 0) for answering information requests by e-mail (required).
    cibles : mapping of str to float
        Target (≥ 0) per indicator code (required). Codes of the catalogue
        (``analysis.indicators.CATALOGUE``, which ``io`` cannot import, so any key is accepted here):
        ``reclamations_nombre``, ``reclamations_taux_delai``, ``reclamations_delai_moyen``,
        ``information_courriel_nombre``, ``information_courriel_taux_5j``,
        ``information_courriel_delai_moyen``, ``appels_taux_decroches``, ``site_internet_taux_3j``,
        ``site_internet_nombre``, ``pan_visites_mois``, ``chatbot_conversations``, ``satisfaction_globale``.
    seuil_petits_effectifs : int
        Smallest denominator (≥ 0) on which a rate is published (required).
    seuil_petits_effectifs_enquete : int
        Smallest number of respondents (≥ 0) on which a survey percentage is published (required).
    reponses_satisfaites : tuple of int
        Answers (distinct, 1-4) counted as « satisfait » (required).
    date_extraction : date or None
        Export date of the registers; ``None``: the latest date found in them. Default ``None``.
    erreurs_affichees_par_fichier : int
        Row errors printed per file by ``qualepref validate`` (≥ 0). Default 5.
    delai_max_section_secondes : int
        Longest run of one section notebook, in seconds (≥ 1). Default 900.
    categorisation : CategorisationSettings
    enquetes : SurveySettings
    citations : QuoteSettings
    """

    annee: int = _key(_year)
    delais_jours_ouvres: Mapping[str, int] = _key(_mapping_of(
        _integer(0), expected="un dictionnaire « canal: nombre de jours ouvrés », par exemple {courriel: 5}",
        keys=_channel_codes, what="canaux possibles"))
    delai_site_internet_jours_ouvres: int = _key(_integer(0))
    delai_information_courriel_jours_ouvres: int = _key(_integer(0))
    cibles: Mapping[str, float] = _key(_mapping_of(
        _number(0), expected="un dictionnaire « code d'indicateur: cible », par exemple {satisfaction_globale: 80}"))
    seuil_petits_effectifs: int = _key(_integer(0))
    seuil_petits_effectifs_enquete: int = _key(_integer(0))
    reponses_satisfaites: tuple[int, ...] = _key(_tuple_of(
        _integer(1, 4), expected="une liste de réponses distinctes entre 1 et 4, par exemple [3, 4]"))
    date_extraction: dt.date | None = _key(
        _optional(_date, empty="la date la plus récente trouvée dans les registres"), None)
    erreurs_affichees_par_fichier: int = _key(_integer(0), 5)
    delai_max_section_secondes: int = _key(_integer(1), 900)
    categorisation: CategorisationSettings = _key(_block(CategorisationSettings), factory=CategorisationSettings)
    enquetes: SurveySettings = _key(_block(SurveySettings), factory=SurveySettings)
    citations: QuoteSettings = _key(_block(QuoteSettings), factory=QuoteSettings)

    def with_year(self, year: int) -> "ReviewSettings":
        """A copy reviewing another year.

        Raises
        ------
        ParamsError
            ``year`` is not a year.
        """
        return dataclasses.replace(self, annee=_checked(_year, year, "annee", None))


def parse_settings(raw: Any, *, path: Path | str) -> ReviewSettings:
    """Check the content of ``default.yaml`` and return it typed, every default filled in.

    Parameters
    ----------
    raw : dict
        The YAML content (not modified).
    path : Path
        The file it was read from, named in the messages.

    Returns
    -------
    ReviewSettings

    Raises
    ------
    ParamsError
        An unknown key (with the closest known one), a missing required key, a value of the
        wrong type or out of its range; the message names the file and the dotted key.

    Examples
    --------
    >>> parse_settings({"seuil_petit_effectifs": 10}, path=Path("default.yaml"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    qualepref_analysis.errors.ParamsError: default.yaml : `seuil_petit_effectifs` inconnu — vouliez-vous dire `seuil_petits_effectifs` ? ...
    """
    if not isinstance(raw, Mapping):
        raise ParamsError(f"{_where(path)}un dictionnaire de paramètres est attendu.")
    return _parse_block(ReviewSettings, raw, path=path)


# --------------------------------------------------------------------------------------------
# sites.yaml
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteSettings(_Settings):
    """One entry of ``sites`` in ``sites.yaml``.

    Attributes
    ----------
    libelle : str or None
        Name shown in the review; :func:`parse_sites` fills in the site code when absent.
    type : str
        ``prefecture`` or ``sous_prefecture``. Default ``sous_prefecture``.
    calendrier : str
        Public holidays: ``metropole`` or ``alsace_moselle``. Default ``metropole``.
    alias : tuple of str
        Other spellings of the site in the data files. Default empty.
    """

    libelle: str | None = _key(_optional(_text, empty="le code du site"), None)
    type: str = _key(_choice(SITE_KINDS), "sous_prefecture")
    calendrier: str = _key(_choice(CALENDARS), "metropole")
    alias: tuple[str, ...] = _key(
        _tuple_of(_text, expected="une liste de libellés distincts, par exemple [Antony, SP Antony]", non_empty=False),
        ())


def _site_code(value: Any, key: str, path: Any) -> str:
    return str(value)


def _site(value: Any, key: str, path: Any) -> SiteSettings:
    if isinstance(value, SiteSettings):
        return value
    if value is not None and not isinstance(value, Mapping):
        raise _Invalid("un dictionnaire (libelle, type, calendrier)")
    spec = _parse_block(SiteSettings, value, path=path, prefix=key)
    return spec if spec.libelle is not None else dataclasses.replace(spec, libelle=key.split(".", 1)[1])


def _sites(value: Any, key: str, path: Any) -> FrozenMap:
    if not isinstance(value, Mapping) or not value:
        raise _Invalid("un dictionnaire « code: {libelle, type, calendrier} » d'au moins un site")
    sites = {}
    for code, spec in value.items():
        code = str(code)
        if not SITE_CODE_PATTERN.match(code):
            raise ParamsError(f"{_where(path)}code de site {code!r} invalide ; "
                              "utilisez seulement a-z, 0-9, « _ » et « - ».")
        sites[code] = _checked(_site, spec, f"{key}.{code}", path)
    seen: dict[str, tuple[str, str]] = {}
    for code, spec in sites.items():
        for name in (code, *spec.alias):
            other, first = seen.setdefault(name.casefold(), (code, name))
            if other != code:
                raise ParamsError(f"{_where(path)}« {first} » ({key}.{other}) et « {name} » ({key}.{code}) "
                                  "désignent deux sites différents (codes et alias se confondent sans tenir compte "
                                  "des majuscules) ; gardez ce nom pour un seul site.")
    return FrozenMap(sites)


def _column_names(dataset: str) -> tuple[str, ...]:
    from qualepref_analysis.io.schemas import DATASETS

    return DATASETS[dataset].column_names


def _value_mappings(value: Any, key: str, path: Any) -> FrozenMap:
    if value is None:
        value = {}
    if not isinstance(value, Mapping):
        raise _Invalid("un dictionnaire « jeu de données: {colonne: {valeur du fichier: code}} »")
    datasets = _dataset_names()
    out = {}
    for dataset, columns in value.items():
        if dataset not in datasets:
            raise _unknown_key(path, key, dataset, datasets, what="jeux de données possibles")
        inner = _mapping_of(
            _mapping_of(_text, expected="un dictionnaire « valeur du fichier: code »", key_rule=_source_value),
            expected="un dictionnaire « colonne: {valeur du fichier: code} »",
            keys=lambda: _column_names(dataset), what="colonnes possibles")
        out[dataset] = _checked(inner, columns, f"{key}.{dataset}", path)
    return FrozenMap(out)


def _header(value: Any, key: str, path: Any) -> Any:
    if value is None or isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _Invalid("un en-tête de colonne", hint=" Mettez-le entre guillemets dans le fichier YAML.",
                       shown=f"a une clé {_show(value)}")
    return value


@dataclass(frozen=True)
class SitesSettings(_Settings):
    """Content of ``sites.yaml``.

    Attributes
    ----------
    sites : mapping of str to SiteSettings
        Declared sites by code (``[a-z0-9_-]+``), in the order of the file (required, at least one).
    prefecture : str
        Display name of the prefecture. Default ``Préfecture``.
    colonnes : mapping of str to mapping of str to str
        Per data set, header of the local export (as typed) → column of the data contract. Default empty.
    valeurs : mapping of str to mapping of str to mapping of str to str
        Per data set and column, value of the local export (as typed) → code of the contract. Default empty.
    """

    sites: Mapping[str, SiteSettings] = _key(_sites)
    prefecture: str = _key(_text, "Préfecture")
    colonnes: Mapping[str, Mapping[str, str]] = _key(_mapping_of(
        _mapping_of(_text, expected="un dictionnaire « en-tête du fichier: colonne »", key_rule=_header),
        expected="un dictionnaire « jeu de données: {en-tête du fichier: colonne} »",
        keys=_dataset_names, what="jeux de données possibles"), factory=FrozenMap)
    valeurs: Mapping[str, Mapping[str, Mapping[Any, str]]] = _key(_value_mappings, factory=FrozenMap)


def parse_sites(raw: Any, *, path: Path | str) -> SitesSettings:
    """Check the content of ``sites.yaml`` and return it typed.

    Parameters
    ----------
    raw, path
        As in :func:`parse_settings`.

    Returns
    -------
    SitesSettings

    Raises
    ------
    ParamsError
        No site, an invalid site code, an unknown key (with the closest known one), a value of
        the wrong type or out of its allowed set.
    """
    if isinstance(raw, Mapping):
        known = [spec.name for spec in dataclasses.fields(SitesSettings)]
        for name in raw:
            if name not in known:
                raise _unknown_key(path, "", name, known)
    if not isinstance(raw, Mapping) or raw.get("sites") is None:
        raise ParamsError(f"{_where(path)}une clé `sites` listant au moins un site est attendue.")
    return _parse_block(SitesSettings, raw, path=path)


_BLOCKS = {"CategorisationSettings": CategorisationSettings, "SurveySettings": SurveySettings,
           "QuoteSettings": QuoteSettings}
_ROOTS = {SiteSettings: SitesSettings, SitesSettings: SitesSettings}
