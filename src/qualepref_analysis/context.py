"""What a section notebook opens first: the site and year under review, and everything they need.

:func:`open_section` returns a :class:`SectionContext`: the site, the year, the validated data,
the settings, the extraction date of the registers and the run's cache. Whatever several
sections compute from the same inputs (the prepared registers, the indicator catalogue, the
trained complaint categoriser and its cross-validation) is asked of the context, which
computes it once per run through its cache.

A notebook opened alone gets a private cache and validates the data itself. A batch run
(:mod:`qualepref_analysis.batch`) validates the data once and hands them, with a cache shared by
all its kernels, to each kernel explicitly (:func:`join_run`) before the notebook starts;
nothing travels through environment variables or module state the notebook could not see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from qualepref_analysis.analysis import complaints as _complaints
from qualepref_analysis.analysis.complaints import ComplaintCategoriser, EvaluationReport, Lexicon
from qualepref_analysis.analysis.indicators import (IndicatorInputs, compute_indicators, department_sites,
                                                    extraction_dates, prepare_inputs)
from qualepref_analysis.analysis.register import complaints_of, labelled_complaints, rows_by_site
from qualepref_analysis.errors import DatasetNotFoundError, ParamsError
from qualepref_analysis.io.cache import MemoryCache, RunCache, content_key
from qualepref_analysis.io.datasets import DataBundle, load_data_dir, require_data_of_year
from qualepref_analysis.io.locations import default_data_dir, default_params_dir
from qualepref_analysis.io.params import Params, Site, load_params
from qualepref_analysis.report.disclosure import Disclosure

__all__ = ["SectionContext", "SynthesisContext", "SharedRun", "open_section", "open_synthesis", "join_run", "leave_run"]


@dataclass
class SharedRun:
    """What a batch run hands to each of its kernels: the validated data, the parameters and the run's cache.

    Attributes
    ----------
    data_dir, params_dir : Path
        The folders the data and parameters were read from.
    year : int
        Year under review.
    data : DataBundle or None
        The data the batch validated (``None`` until they are).
    cache : RunCache
        Shared by every kernel of the run.
    params : Params or None
        The parameters the batch read from ``params_dir`` (before choosing the year), which every
        kernel of the run then uses instead of reading the files again: one set of parameters for
        the whole review, even if a file is edited while it runs. ``None``: each kernel reads them.
    """

    data_dir: Path
    params_dir: Path
    year: int
    data: DataBundle | None
    cache: RunCache
    params: Params | None = None
    _extraction: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def serves(self, data_dir: Path, params_dir: Path, year: int) -> bool:
        """Whether this run's data are those a notebook asks for."""
        return (self.data is not None and self.year == int(year)
                and Path(self.data_dir).resolve() == Path(data_dir).resolve()
                and Path(self.params_dir).resolve() == Path(params_dir).resolve())

    def params_of(self, params_dir: Path) -> Params | None:
        """The run's parameters when they were read from ``params_dir``, else ``None``."""
        if self.params is None or Path(self.params_dir).resolve() != Path(params_dir).resolve():
            return None
        return self.params

    def extraction_dates(self, params: Params) -> dict[str, pd.Timestamp]:
        """:func:`~qualepref_analysis.analysis.indicators.extraction_dates` of the run's data, once per run
        for each declared ``date_extraction`` (the latest date of a national register takes a while)."""
        assert self.data is not None
        declared = params.extraction_date
        if declared not in self._extraction:
            self._extraction[declared] = extraction_dates(self.data, params)
        return dict(self._extraction[declared])


_run: SharedRun | None = None


def join_run(run: SharedRun) -> None:
    """Make this process (a batch kernel) use the batch's validated data and shared cache.

    Called by the batch's kernel start-up code, never by a notebook.
    """
    global _run
    _run = run


def leave_run() -> None:
    """Forget the batch run this process joined (tests, and a process that outlives its run)."""
    global _run
    _run = None


@dataclass
class SectionContext:
    """Everything a section needs about the site and year under review.

    Attributes
    ----------
    params : Params
        Sites and settings of the review.
    data : DataBundle
        The validated data sets.
    site : Site
        The site under review.
    year : int
        The year under review.
    cache : RunCache
        The run's cache (private to this notebook when it was opened alone).
    disclosure : Disclosure
        The small-cell policy of the review (from the settings' thresholds).
    extraction : dict
        Extraction date of each register (``correspondances``, ``site_internet``).
    """

    params: Params
    data: DataBundle
    site: Site
    year: int
    cache: RunCache = field(default_factory=MemoryCache)
    extraction: dict[str, pd.Timestamp] = field(default_factory=dict)
    disclosure: Disclosure | None = None

    def __post_init__(self) -> None:
        if self.disclosure is None:
            self.disclosure = Disclosure.from_params(self.params)
        if not self.extraction:
            self.extraction = extraction_dates(self.data, self.params)

    # -- data ------------------------------------------------------------------------------------
    def frame(self, name: str, *, required: bool = False) -> pd.DataFrame | None:
        """Valid rows of a data set; ``None`` when absent (or an error when ``required``)."""
        frame = self.data.frame(name)
        if frame is None and required:
            raise DatasetNotFoundError(
                f"{self.data.directory}: le jeu de données « {name} » est absent ou n'a pas pu être chargé ; "
                f"ajoutez {name}.csv ou {name}.xlsx (voir `qualepref validate`).")
        return frame

    @property
    def extraction_date(self) -> pd.Timestamp:
        """Extraction date of the correspondence register (the reference date of the review)."""
        return self.extraction["correspondances"]

    @property
    def department_host(self):
        """The site whose sections present, once, what is common to the department (chatbot, classifier)."""
        return self.params.sites[department_sites(self.params.sites)[0]]

    @property
    def hosts_department(self) -> bool:
        """Whether this site's sections present what is common to the department (the others point to it)."""
        return self.site.code == self.department_host.code

    @cached_property
    def _source(self) -> str:
        """Digest of the inputs of the prepared registers and the catalogue (computed once per context:
        it pickles the parameters, every site included)."""
        return content_key(self.data.input_hashes, self.data.directory.name, self.params, self.extraction)

    # -- what several sections share, computed once per run ---------------------------------------
    def indicator_inputs(self) -> IndicatorInputs:
        """The validated frames with delays and statuses (:func:`~qualepref_analysis.analysis.indicators.prepare_inputs`)."""
        return self.cache.get("entrees", self._source,
                              lambda: prepare_inputs(self.data, self.params, extraction=self.extraction))

    def indicators(self) -> pd.DataFrame:
        """The indicator catalogue of every site and year, with what the disclosure policy lets publish.

        :func:`~qualepref_analysis.analysis.indicators.compute_indicators`, then
        :meth:`~qualepref_analysis.report.disclosure.Disclosure.indicators`.
        """
        return self.cache.get("catalogue", self._source,
                              lambda: self.disclosure.indicators(compute_indicators(self.indicator_inputs(), self.params)))

    def complaints(self, *, every_year: bool = False) -> pd.DataFrame:
        """This site's complaints and suggestions with their delays and statuses, of the year under review
        (of every year of the register with ``every_year``)."""
        register = self.indicator_inputs().correspondances
        if register is None:
            raise DatasetNotFoundError(
                f"{self.data.directory}: le jeu de données « correspondances » est absent ou n'a pas pu être chargé ; "
                "ajoutez correspondances.csv ou correspondances.xlsx (voir `qualepref validate`).")
        mine = register.iloc[self._register_rows_by_site().get(self.site.code, np.empty(0, dtype=np.intp))]
        return complaints_of(mine, site=self.site.code, year=None if every_year else self.year)

    def _register_rows_by_site(self) -> dict[str, np.ndarray]:
        """Row positions of each site in the prepared register, computed once per run (the batch's zygote
        computes them with the catalogue): a site's complaints are then taken without scanning a national
        register for each notebook."""
        return self.cache.get("lignes-par-site", self._source,
                              lambda: rows_by_site(self.indicator_inputs().correspondances))

    def lexicon(self) -> Lexicon:
        """The complaint lexicon: ``categories.yaml`` of the parameters, else the project's."""
        path = _complaints.lexicon_path(self.params.directory)
        return self.cache.get("lexique", self._lexicon_key(), lambda: _complaints.load_lexicon(path))

    def _lexicon_key(self) -> str:
        """The lexicon's part of a cache key: its file's content.

        Never the ``Lexicon`` object itself: matching texts fills its memo, so its pickle changes
        as it is used, and every kernel would compute the same classifier again.
        """
        return content_key(_complaints.lexicon_path(self.params.directory).read_bytes())

    def categoriser(self) -> ComplaintCategoriser:
        """The complaint categoriser trained on every hand-labelled complaint of the register (all sites)."""
        def train() -> ComplaintCategoriser:
            labelled = labelled_complaints(self._register_complaints())
            return _complaints.train_categoriser(labelled, self.lexicon(), self.params.settings.categorisation,
                                                 corpus=self._corpus())

        return self.cache.get("categoriseur", self._training_key(), train)

    def categoriser_evaluation(self) -> EvaluationReport:
        """Cross-validation of the categoriser on the hand-labelled complaints (folds: ``plis_validation``)."""
        settings = self.params.settings.categorisation

        def evaluate() -> EvaluationReport:
            labelled = labelled_complaints(self._register_complaints())
            return _complaints.cross_validate(labelled["texte"], labelled["categorie"], self.lexicon(),
                                              settings=settings, folds=settings.plis_validation, extra=self._corpus())

        return self.cache.get("validation-croisee", self._evaluation_key(), evaluate)

    def shared_models(self) -> list[tuple[str, str]]:
        """The cache slots ``(name, key)`` of the trained categoriser and of its cross-validation.

        For the batch's zygote, which brings them into its memory once a kernel has stored them
        (:meth:`~qualepref_analysis.io.cache.RunCache.adopt`), so that the kernels forked after
        that do not read them again.
        """
        return [("categoriseur", self._training_key()), ("validation-croisee", self._evaluation_key())]

    def _training_key(self) -> str:
        """Digest of what the categoriser learns from: the hand-labelled complaints of the register,
        the lexicon, the settings, the shipped corpus; computed once per run (hashing the national
        register's 47 000 labelled texts takes ≈ 0,1 s)."""
        def digest() -> str:
            labelled = labelled_complaints(self._register_complaints())
            corpus = self._corpus()
            return content_key(labelled["texte"], labelled["categorie"], self._lexicon_key(),
                               self.params.settings.categorisation, None if corpus is None else corpus["texte"])

        return self.cache.get("cle-apprentissage", content_key(self._source, self._lexicon_key()), digest)

    def _evaluation_key(self) -> str:
        return content_key(self._training_key(), self.params.settings.categorisation.plis_validation)

    def _corpus(self) -> pd.DataFrame | None:
        """The shipped labelled corpus, when ``categorisation.corpus_livre`` is set."""
        from qualepref_analysis.io.corpus import load_shipped_corpus

        return load_shipped_corpus() if self.params.settings.categorisation.corpus_livre else None

    def _register_complaints(self) -> pd.DataFrame:
        register = self.frame("correspondances", required=True)
        return complaints_of(register)


def open_section(*, site: str, year: int | None = None, data_dir: str | Path | None = None,
                 params_dir: str | Path | None = None) -> SectionContext:
    """Load parameters and data for one site, as every section notebook does first.

    Parameters
    ----------
    site : str
        Code of a site declared in ``sites.yaml``.
    year : int, optional
        Year under review; by default the one of ``default.yaml``.
    data_dir, params_dir : path, optional
        By default the shipped demo data and the repository's parameters.

    Returns
    -------
    SectionContext
        Inside a batch run, with the run's parameters, validated data and shared cache; otherwise
        with the parameters read now, data validated now and a private cache.

    Raises
    ------
    ParamsError
        The site is not declared, or the parameters are invalid.
    DataFileError
        The data folder cannot be read, or holds no row of the year under review.
    """
    params_dir = Path(params_dir or default_params_dir())
    data_dir = Path(data_dir or default_data_dir())
    params = (_run.params_of(params_dir) if _run is not None else None) or load_params(params_dir)
    if year is not None:
        params = params.with_year(int(year))
    if site not in params.sites:
        raise ParamsError(f"site {site!r} non déclaré dans {params.directory / 'sites.yaml'} ; "
                          f"sites déclarés : {', '.join(params.sites)}.")
    if _run is not None and _run.serves(data_dir, params_dir, params.year):
        return SectionContext(params=params, data=_run.data, site=params.sites[site], year=params.year,
                              cache=_run.cache, extraction=_run.extraction_dates(params))
    data = load_data_dir(data_dir, params)
    require_data_of_year(data, params.year)  # the batch checked it before its first notebook
    return SectionContext(params=params, data=data, site=params.sites[site], year=params.year, cache=MemoryCache())



@dataclass
class SynthesisContext:
    """What the cross-site synthesis reads: the figures every site section recorded.

    Attributes
    ----------
    params : Params
    year : int
        Year of the review the figures come from.
    results : dict
        The content of ``results.json``.
    sites : dict
        Code → label of the sites that recorded figures, in the order of ``sites.yaml``.
    disclosure : Disclosure
    """

    params: Params
    year: int
    results: dict
    sites: dict[str, str]
    disclosure: Disclosure


def open_synthesis(*, results_path: str | Path | None = None, params_dir: str | Path | None = None,
                   year: int | None = None) -> SynthesisContext:
    """Read a review's ``results.json`` for the synthesis notebook (00).

    Parameters
    ----------
    results_path : path, optional
        ``results.json`` of a review (default: ``build/review/results.json`` of the project).
    params_dir : path, optional
        The parameters of that review (default: the project's ``params/``).
    year : int, optional
        Year under review when ``results.json`` does not say it.

    Raises
    ------
    QualeprefError
        ``results.json`` is missing or unreadable: run ``qualepref review`` first.
    """
    import json

    from qualepref_analysis.errors import QualeprefError
    from qualepref_analysis.io.locations import project_root

    params = load_params(Path(params_dir or default_params_dir()))
    path = Path(results_path or project_root() / "build" / "review" / "results.json")
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise QualeprefError(f"{path}: chiffres du bilan introuvables ou illisibles ; produisez d'abord le bilan "
                             "(`qualepref review`).") from exc
    recorded = results.get("sites") or {}
    sites = {code: s.libelle for code, s in params.sites.items() if code in recorded}
    review_year = int(results.get("year") or year or params.year)
    return SynthesisContext(params=params.with_year(review_year), year=review_year, results=results, sites=sites,
                            disclosure=Disclosure.from_params(params))
