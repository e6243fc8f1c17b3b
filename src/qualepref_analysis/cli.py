"""The ``qualepref`` command.

Errors the user can fix are printed as one French sentence naming the file
and what to do — never a traceback (set ``QUALEPREF_DEBUG=1`` to see one).
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import click

from qualepref_analysis import __version__
from qualepref_analysis.errors import QualeprefError

__all__ = ["main", "cli"]

EXIT_OK, EXIT_ROWS_QUARANTINED, EXIT_FILE_ERROR = 0, 1, 2


def _count(count: int, noun: str, *adjectives: str) -> str:
    """« 18 sections produites », « 1 ligne vide ignorée » (imported on use: the CLI starts fast)."""
    from qualepref_analysis.report.grammar import count_of

    return count_of(count, noun, *adjectives)


def _agreed(adjective: str, count: int) -> str:
    """A feminine adjective agreed with ``count`` lines (« retenue », « écartées »)."""
    from qualepref_analysis.report.grammar import agree

    return agree(adjective, feminine=True, plural=abs(count) >= 2)


def _fail(message: str, code: int = EXIT_FILE_ERROR) -> None:
    click.secho(f"Erreur : {message}", fg="red", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="qualepref")
def cli() -> None:
    """Bilan annuel Qual-e-Pref à partir des registres bruts de la préfecture.

    \b
    Commandes principales :
      qualepref init DOSSIER      prépare paramètres et modèle de données d'une préfecture
      qualepref review            produit le bilan HTML (données de démonstration par défaut)
      qualepref validate DOSSIER  vérifie les fichiers d'un dossier de données
      qualepref demo-data DOSSIER écrit le jeu de démonstration
      qualepref categorise IN.csv --out OUT.csv   classe des réclamations par sujet
    """


@cli.command()
@click.argument("data_dir", type=click.Path(path_type=Path))
@click.option("--params", "params_dir", type=click.Path(path_type=Path), default=None,
              help="Dossier des paramètres (sites.yaml, default.yaml). Par défaut : params/ du projet.")
@click.option("--quarantine", "quarantine_path", type=click.Path(path_type=Path), default=None,
              help="Fichier CSV où écrire toutes les lignes écartées. Par défaut : rien n'est écrit.")
def validate(data_dir: Path, params_dir: Path | None, quarantine_path: Path | None) -> None:
    """Vérifie chaque fichier de DATA_DIR selon le contrat de données.

    DATA_DIR est un dossier de fichiers (correspondances.csv, appels.xlsx…)
    ou un classeur écrit par « qualepref init » (une feuille par jeu de
    données). Affiche, par fichier, les lignes lues, retenues et écartées, les
    premières erreurs, et les jeux de données absents avec ce qu'ils retirent
    du bilan. Code de sortie : 0 si tout est propre, 1 si des lignes ont été
    écartées, 2 si un fichier n'a pas pu être chargé.
    """
    from qualepref_analysis.io.csv_writer import write_csv_safely
    from qualepref_analysis.io.locations import default_params_dir
    from qualepref_analysis.io.datasets import load_data_dir
    from qualepref_analysis.io.params import load_params
    from qualepref_analysis.io.schemas import DATASETS
    from qualepref_analysis.io.template import WITHOUT_DATASET
    from qualepref_analysis.report.formatting import format_number

    params = load_params(params_dir or default_params_dir())
    bundle = load_data_dir(data_dir, params)
    shown = params.settings.erreurs_affichees_par_fichier
    if not bundle.datasets and not bundle.failures:
        expected = ("aucune feuille remplie (remplissez au moins la feuille correspondances)" if data_dir.is_file()
                    else "aucun fichier de données trouvé (attendu : correspondances.csv, appels.csv, …)")
        _fail(f"{data_dir}: {expected}.")
    for name, loaded in bundle.datasets.items():
        status = "OK" if loaded.rows_quarantined == 0 else "lignes écartées"
        click.echo(f"{loaded.path.name} : {_count(loaded.rows_read, 'ligne', 'lu')}, "
                   f"{format_number(loaded.rows_kept)} {_agreed('retenu', loaded.rows_kept)}, "
                   f"{format_number(loaded.rows_quarantined)} {_agreed('écarté', loaded.rows_quarantined)} – {status}")
        if loaded.blank_rows:
            click.echo(f"  ({_count(loaded.blank_rows, 'ligne', 'vide', 'ignoré')})")
        for error in loaded.quarantine.head(shown).itertuples(index=False):
            value = f" (valeur « {error.valeur} »)" if error.valeur else ""
            click.echo(f"  ligne {error.ligne}, colonne {error.colonne}{value} : {error.motif}")
        if len(loaded.quarantine) > shown:
            where = f"voir {quarantine_path}" if quarantine_path else "toutes avec --quarantine FICHIER.csv"
            click.echo(f"  … et {_count(len(loaded.quarantine) - shown, 'autre erreur')}, {where}")
    for file_name, problem in bundle.failures.items():
        click.secho(f"{file_name} : NON CHARGÉ – {problem}", fg="red")
    if "correspondances" not in bundle.datasets and not any("correspondances" in f.lower() for f in bundle.failures):
        click.secho("correspondances : ABSENT – ce jeu de données est obligatoire.", fg="red")
    failed = " ".join(bundle.failures).lower()
    absent = [name for name in DATASETS if name != "correspondances" and name not in bundle.datasets
              and name not in failed]
    if absent:
        click.echo("1 jeu de données facultatif absent (le bilan s'en passe) :" if len(absent) == 1 else
                   f"{len(absent)} jeux de données facultatifs absents (le bilan s'en passe) :")
        for name in absent:
            click.echo(f"  {name} : {WITHOUT_DATASET[name]}")
    quarantine = bundle.quarantine
    if quarantine_path is not None:
        write_csv_safely(quarantine, quarantine_path)
        click.echo(f"Quarantaine complète : {quarantine_path} ({_count(len(quarantine), 'erreur')}).")
    if bundle.failures or "correspondances" not in bundle.datasets:
        sys.exit(EXIT_FILE_ERROR)
    sys.exit(EXIT_ROWS_QUARANTINED if len(quarantine) else EXIT_OK)


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path), metavar="DOSSIER")
@click.option("--year", type=int, default=None, help="Année examinée inscrite dans default.yaml. Par défaut : l'an dernier.")
def init(folder: Path, year: int | None) -> None:
    """Prépare DOSSIER pour une nouvelle préfecture : paramètres et modèle de données.

    Écrit DOSSIER/params/ (sites.yaml avec un exemple commenté de chaque
    option, default.yaml et categories.yaml avec leurs valeurs par défaut) et
    DOSSIER/modele-donnees.xlsx : un « Mode d'emploi », puis une feuille par
    jeu de données avec ses en-têtes, une note par colonne et des listes
    déroulantes. Refuse d'écrire dans un dossier existant non vide.
    """
    from qualepref_analysis.io.template import WORKBOOK_NAME, write_starter_folder

    for path in write_starter_folder(folder, year=year):
        click.echo(str(path))
    workbook, params = folder / WORKBOOK_NAME, folder / "params"
    click.echo(f"Dossier prêt : déclarez vos sites dans {params / 'sites.yaml'}, remplissez {workbook}, puis\n"
               f"  qualepref validate \"{workbook}\" --params \"{params}\"\n"
               f"  qualepref review --data \"{workbook}\" --params \"{params}\"")


@cli.command("demo-data")
@click.argument("out_dir", type=click.Path(path_type=Path))
def demo_data(out_dir: Path) -> None:
    """Écrit dans OUT_DIR le jeu de démonstration (trois sites, 2021 et 2022)."""
    from qualepref_analysis.demo.generator import generate_demo_data

    written = generate_demo_data(out_dir)
    for name, path in written.items():
        click.echo(f"{path}")
    click.echo(f"{len(written)} fichiers écrits dans {out_dir}.")


@cli.command()
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None,
              help="Dossier des données, ou classeur écrit par « qualepref init ». Par défaut : le jeu de "
                   "démonstration data/demo.")
@click.option("--params", "params_dir", type=click.Path(path_type=Path), default=None,
              help="Dossier des paramètres. Par défaut : params/ du projet.")
@click.option("--year", type=int, default=None, help="Année examinée. Par défaut : celle de default.yaml.")
@click.option("--sites", default=None, help="Codes des sites, séparés par des virgules. Par défaut : tous.")
@click.option("--sections", default=None, help="Sections à produire, par numéro ou nom (01,03). Par défaut : toutes.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("build/review"), show_default=True,
              help="Dossier où écrire le bilan.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Nombre de carnets exécutés en même temps. Par défaut : le nombre de processeurs.")
@click.option("--force", is_flag=True, help="Tout refaire, même les sections dont rien n'a changé.")
@click.option("--pdf", "pdf", is_flag=True,
              help="Écrire aussi OUT/bilan-<année>.pdf (A4), imprimé par Chromium, Chrome ou Edge sans fenêtre.")
@click.option("--navigateur", "browser", default=None, metavar="CHEMIN",
              help="Navigateur qui imprime le PDF. Par défaut : chromium, google-chrome ou msedge trouvé dans le PATH.")
@click.option("--sans-bureautique", "no_office", is_flag=True,
              help="Ne pas écrire les fichiers Excel et Word (tableaux, bilan, projet de compte rendu).")
def review(data_dir: Path | None, params_dir: Path | None, year: int | None, sites: str | None,
           sections: str | None, out_dir: Path, jobs: int | None, force: bool, pdf: bool, browser: str | None,
           no_office: bool) -> None:
    """Produit le bilan annuel : chaque section pour chaque site, en HTML sans code.

    Écrit OUT/index.html, une page par site et section, OUT/results.json
    (tous les chiffres) et OUT/quarantine.csv (lignes écartées), et, sauf
    --sans-bureautique, les fichiers de bureau : OUT/tableaux-<année>.xlsx
    (chaque tableau du bilan, pour les diaporamas), OUT/bilan-<année>.docx
    (le bilan modifiable) et OUT/projet-compte-rendu-<année>.docx (le projet
    de compte rendu de la réunion, à compléter). Les sections
    sont exécutées en parallèle ; une section dont ni le carnet, ni les
    paramètres, ni les données, ni la bibliothèque n'ont changé depuis le
    dernier passage dans OUT n'est pas refaite (--force pour tout refaire).
    Avec --pdf, imprime aussi le bilan en PDF A4 (OUT/bilan-<année>.pdf).
    Code de sortie : 0 si tout a réussi, 1 si une section ou l'impression a
    échoué, 2 si les données ou les paramètres n'ont pas pu être lus ou si
    aucun navigateur n'est là pour --pdf.
    """
    from tqdm import tqdm

    from qualepref_analysis.batch.review import run_review

    printer = None
    if pdf or browser:  # before the long run: a missing browser is said at once
        from qualepref_analysis.batch.printing import find_browser

        printer = find_browser(browser)

    site_list = [s.strip() for s in sites.split(",") if s.strip()] if sites else None
    bar = tqdm(desc="Bilan", unit=" étape", leave=False, file=sys.stderr, disable=not sys.stderr.isatty())

    def progress(message: str) -> None:
        if _interrupted:
            raise KeyboardInterrupt
        bar.set_postfix_str(message)
        bar.update(1)
        if bar.disable:
            click.echo(f"… {message}", err=True)

    section_list = [s.strip() for s in sections.split(",") if s.strip()] if sections else None
    result = run_review(data_dir=data_dir, params_dir=params_dir, year=year, sites=site_list, out_dir=out_dir,
                        sections=section_list, jobs=jobs, force=force, progress=progress, office=not no_office)
    bar.close()
    ok = len(result.runs) - len(result.failed)
    click.echo(f"Bilan {result.year} : {_count(ok, 'section', 'produit')} sur {len(result.runs)} → "
               f"{result.bilan or result.out_dir / 'index.html'}")
    if result.office:
        click.echo(f"Fichiers de bureau : {', '.join(path.name for path in result.office)} → {result.out_dir}")
    if result.office_error:
        click.secho(f"Échec des fichiers Excel et Word (le bilan HTML est complet) : {result.office_error}",
                    fg="red", err=True)
    if result.synthesis is not None and not result.synthesis.ok:
        click.secho(f"Échec : synthèse – carnet conservé : {result.synthesis.notebook}", fg="red", err=True)
    if result.bundle is not None:
        quarantined = sum(d.rows_quarantined for d in result.bundle.datasets.values())
        if quarantined:
            click.echo(f"{_count(quarantined, 'ligne')} de données {_agreed('écarté', quarantined)} : "
                       f"voir {result.out_dir / 'quarantine.csv'}")
        for file_name, problem in result.bundle.failures.items():
            click.secho(f"Fichier non chargé : {problem}", fg="yellow", err=True)
    for run in result.failed:
        click.secho(f"Échec : {run.site} / {run.section} ({run.error}) – carnet conservé : {run.notebook}",
                    fg="red", err=True)
    printed = True
    if printer is not None and result.bilan is not None:
        from qualepref_analysis.batch.printing import PrintError, print_to_pdf

        click.echo("… Impression du bilan en PDF", err=True)
        try:
            click.echo(f"Bilan imprimé en PDF → {print_to_pdf(result.bilan, result.bilan.with_suffix('.pdf'), browser=printer)}")
        except PrintError as error:
            click.secho(f"Échec de l'impression : {error}", fg="red", err=True)
            printed = False
    sys.exit(1 if result.failed or not printed or result.office_error
             or (result.synthesis is not None and not result.synthesis.ok) else 0)


def _input_separator(path: Path) -> str:
    """The separator of a CSV input (the commonest of « ; », « , » and tab on its first line); « ; » for XLSX."""
    if path.suffix.lower() != ".csv":
        return ";"
    with open(path, "rb") as handle:
        first = handle.readline().decode("utf-8", errors="replace")
    counts = {sep: first.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ";"


def _read_texts(path: Path, *, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> "pd.DataFrame":
    """A CSV/XLSX file as strings with its headers normalised; the required columns must exist.

    Returns the required (and present optional) columns prefixed ``__``, then the file's own columns
    under their original headers."""
    import pandas as pd

    from qualepref_analysis.errors import MissingColumnError
    from qualepref_analysis.io.normalise import fold_accents, normalise_header
    from qualepref_analysis.io.privacy import mask_cell
    from qualepref_analysis.io.tabular import read_table

    raw = read_table(path)
    names = [fold_accents(normalise_header(h)).replace(" ", "_") or f"colonne_{i + 1}" for i, h in enumerate(raw.headers)]
    missing = [c for c in required if c not in names]
    if missing:
        found = ", ".join(mask_cell(h.strip(), personal=False) or "(vide)" for h in raw.headers) or "(aucune)"
        raise MissingColumnError(path, f"colonne(s) absente(s) : {', '.join(missing)}. Colonnes trouvées : {found}.")
    frame = raw.rows.copy()
    frame.columns = [names[i] if names.count(names[i]) == 1 else raw.headers[i] for i in range(len(names))]
    original = raw.rows.copy()
    original.columns = raw.headers
    wanted = [*required, *(c for c in optional if c in frame.columns)]
    return pd.concat([frame[wanted].add_prefix("__"), original], axis=1)


@cli.command()
@click.argument("in_file", type=click.Path(path_type=Path), metavar="IN")
@click.option("--out", "out_file", type=click.Path(path_type=Path), required=True,
              help="Fichier CSV de sortie (séparateur « ; », UTF-8).")
@click.option("--train", "train_file", type=click.Path(path_type=Path), default=None,
              help="Réclamations déjà étiquetées (colonnes texte et categorie) pour entraîner le modèle.")
@click.option("--params", "params_dir", type=click.Path(path_type=Path), default=None,
              help="Dossier des paramètres (categories.yaml, default.yaml). Par défaut : params/ du projet.")
@click.option("--sep", "separator", type=click.Choice([";", ",", "tab"]), default=None,
              help="Séparateur du CSV de sortie. Par défaut : celui du fichier d'entrée (« ; » pour un XLSX) ; "
                   "la virgule décimale suit (« 0,787 » avec « ; », « 0.787 » avec « , »).")
@click.option("--a-verifier", "review_file", type=click.Path(path_type=Path), default=None, metavar="FEUILLE.xlsx",
              help="Écrire aussi les réclamations à vérifier dans un classeur pour les agents (les moins sûres "
                   "d'abord), avec une liste déroulante des sujets ; le reporter ensuite avec « qualepref etiquettes ».")
def categorise(in_file: Path, out_file: Path, train_file: Path | None, params_dir: Path | None,
               separator: str | None, review_file: Path | None) -> None:
    """Classe les réclamations de IN (colonne texte) par sujet.

    Ajoute les colonnes categorie_predite, confiance (0 à 1), a_verifier et
    termes (termes du lexique qui expliquent la décision) ; les autres colonnes
    sont conservées. Le modèle apprend du corpus étiqueté livré avec le paquet
    (si corpus_livre est activé) et des réclamations de --train.
    """
    import pandas as pd

    from qualepref_analysis.io.csv_writer import write_csv_safely
    from qualepref_analysis.analysis.complaints import ComplaintCategoriser, lexicon_path, load_lexicon
    from qualepref_analysis.io.locations import default_params_dir
    from qualepref_analysis.io.normalise import normalise_code
    from qualepref_analysis.io.params import load_params
    from qualepref_analysis.io.schemas import TAXONOMY

    params_dir = params_dir or default_params_dir()
    params = load_params(params_dir)
    model = ComplaintCategoriser(load_lexicon(lexicon_path(params_dir)), params.settings.categorisation)
    corpus = None
    if params.settings.categorisation.corpus_livre:
        from qualepref_analysis.io.corpus import load_shipped_corpus

        corpus = load_shipped_corpus()
    data = _read_texts(in_file, required=("texte",), optional=("id", "categorie"))
    train_texts = train_subjects = None
    if train_file is None and corpus is not None:
        train_texts, train_subjects = corpus["texte"].tolist(), corpus["categorie"].tolist()
    if train_file is not None:
        train = _read_texts(train_file, required=("texte", "categorie"))
        labels = train["__categorie"].map(lambda v: normalise_code(v) if str(v).strip() else "")
        bad = train.index[(labels != "") & ~labels.isin(TAXONOMY)]
        if len(bad):
            rows = ", ".join(str(r) for r in bad[:5])
            raise QualeprefError(f"{train_file}: catégorie inconnue ligne(s) {rows}"
                                 f"{' …' if len(bad) > 5 else ''} ; catégories possibles : {', '.join(TAXONOMY)}.")
        usable = labels != ""
        texts, subjects = train.loc[usable, "__texte"].tolist(), labels[usable].tolist()
        if corpus is not None:
            texts, subjects = texts + corpus["texte"].tolist(), subjects + corpus["categorie"].tolist()
        train_texts, train_subjects = texts, subjects
        click.echo(f"Modèle entraîné sur {_count(int(usable.sum()), 'réclamation', 'étiqueté')} de {train_file}"
                   f" ; {_count(int((~usable).sum()), 'ligne')} sans catégorie {_agreed('laissé', int((~usable).sum()))} de côté.", err=True)
    if train_texts is None:
        result = model.predict(data["__texte"].tolist()).frame
    else:  # the texts are read while the model learns
        result = model.fit_predict(train_texts, train_subjects, data["__texte"].tolist()).frame
    output = data.drop(columns=[c for c in ("__texte", "__id", "__categorie") if c in data.columns]).reset_index(drop=True)
    for column in result.columns:
        output[column] = result[column].to_numpy()
    output["a_verifier"] = output["a_verifier"].map({True: "oui", False: "non"})
    sep = {"tab": "\t"}.get(separator, separator) if separator else _input_separator(in_file)
    decimal = "," if sep != "," else "."
    output["confiance"] = output["confiance"].map(lambda v: f"{v:.3f}".replace(".", decimal))
    write_csv_safely(output, out_file, sep=sep)
    review = int((result["a_verifier"]).sum())
    click.echo(f"{_count(len(output), 'texte', 'classé')}, {review} à vérifier → {out_file}")
    if review_file is not None:
        from qualepref_analysis.io.review_sheet import write_review_sheet
        from qualepref_analysis.report.labels import label

        ids = data["__id"] if "__id" in data.columns else pd.Series([f"ligne {i}" for i in data.index], index=data.index)
        ids = ids.astype(str)
        texts = data["__texte"].fillna("").astype(str)
        flagged = result["a_verifier"].to_numpy() & texts.str.strip().ne("").to_numpy()  # nothing to read: left out
        if "__categorie" in data.columns:  # what an agent already labelled needs no second look
            flagged &= data["__categorie"].fillna("").astype(str).str.strip().eq("").to_numpy()
        items = pd.DataFrame({"id": ids.to_numpy()[flagged], "texte": data["__texte"].to_numpy()[flagged],
                              **{c: result[c].to_numpy()[flagged] for c in ("categorie_predite", "confiance", "termes")}})
        written = write_review_sheet(review_file, items, {code: label("categorie", code) for code in TAXONOMY})
        click.echo(f"{_count(written, 'réclamation')} à vérifier par les agents → {review_file}")


@cli.command()
@click.argument("sheet_file", type=click.Path(path_type=Path), metavar="FEUILLE.xlsx")
@click.option("--registre", "register_file", type=click.Path(path_type=Path), required=True,
              help="Le registre des correspondances (CSV ou XLSX) où reporter les sujets, par identifiant (colonne id).")
@click.option("--out", "out_file", type=click.Path(path_type=Path), required=True,
              help="Le registre complété à écrire (CSV « ; » ou XLSX selon l'extension) ; le registre d'origine "
                   "n'est pas modifié.")
@click.option("--remplacer", "replace", is_flag=True,
              help="Remplacer un sujet déjà présent dans le registre quand l'agent en a choisi un autre.")
def etiquettes(sheet_file: Path, register_file: Path, out_file: Path, replace: bool) -> None:
    """Reporte dans le registre les sujets choisis par les agents dans FEUILLE.xlsx.

    FEUILLE.xlsx est le classeur écrit par « qualepref categorise --a-verifier » ;
    chaque ligne dont la colonne « Sujet retenu » est remplie donne son sujet à
    la réclamation de même identifiant. Un identifiant inconnu, un sujet inconnu,
    un texte modifié depuis la feuille ou un sujet déjà présent et différent
    (sans --remplacer) arrêtent la commande sans rien écrire. Le prochain bilan
    apprend de ces étiquettes.
    """
    from qualepref_analysis.io.review_sheet import merge_labels, read_review_sheet
    from qualepref_analysis.io.schemas import TAXONOMY
    from qualepref_analysis.report.labels import label

    labels = {code: label("categorie", code) for code in TAXONOMY}
    chosen = read_review_sheet(sheet_file, labels)
    register = _read_texts(register_file, required=("id", "texte"))
    original = register[[c for c in register.columns if not c.startswith("__")]]
    frame = original.assign(id=register["__id"], texte=register["__texte"])
    if "categorie" not in frame.columns:
        frame["categorie"] = ""
    merged = merge_labels(frame.rename(columns=str), chosen, sheet=sheet_file, register_path=register_file,
                          replace=replace)
    out = original.copy()
    column = next((c for c in original.columns if str(c).strip().lower() == "categorie"), "categorie")
    out[column] = merged.register["categorie"].to_numpy()
    if out_file.suffix.lower() == ".xlsx":
        out.to_excel(out_file, index=False)
    else:
        from qualepref_analysis.io.csv_writer import write_csv_safely

        write_csv_safely(out, out_file)
    click.echo(f"{_count(len(merged.added), 'sujet', 'ajouté')}, {_count(len(merged.replaced), 'sujet', 'remplacé')}, "
               f"{merged.unchanged} déjà {'identiques' if merged.unchanged >= 2 else 'identique'} → {out_file}")
    for identifier, before, after in merged.replaced:
        click.echo(f"  {identifier} : {before} → {after}")


_interrupted = False


def _interrupt(signum: int, frame: object) -> None:
    """First SIGTERM or SIGINT: stop the run (clean-up, exit 130); any later one is ignored.

    A second signal must not cut the clean-up short: a child's interrupt reaching the process
    group, or an impatient second Ctrl-C, would otherwise leave the staging folder behind and
    end the command on a signal instead of its exit code.
    """
    global _interrupted
    for received in (signal.SIGTERM, signal.SIGINT):
        signal.signal(received, signal.SIG_IGN)
    _interrupted = True  # also checked at every step, should the exception be swallowed somewhere
    raise KeyboardInterrupt


def _quiet_interrupt_hook(unraisable: "sys.UnraisableHookArgs") -> None:
    """An interrupt that fell inside a finaliser or a weakref callback is not an error to print:
    Python would show its traceback; the run stops at its next step all the same (``_interrupted``)."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt):
        return
    sys.__unraisablehook__(unraisable)


def _exit_now(code: int) -> None:
    """End the process at once, after the clean-up is done (the review removed its staging folder and
    stopped its kernels before the interrupt reached here).

    A plain ``sys.exit`` runs the interpreter's shutdown, and a signal landing there (from the kernels
    being stopped, say) once ended the command by SIGINT (exit -2) instead of 130, on a slow machine;
    the exact path was not pinned down, so the exit no longer depends on it.
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def _exit_without_teardown(code: int) -> None:
    """End the command, its work done: the exit handlers run, the interpreter's teardown does not.

    Freeing every module and the review's data object by object took ≈ 0,35 s after the last line
    of ``qualepref review`` had been printed; every file is written and closed by then. Should a
    thread of ours still be running (none should), the ordinary exit waits for it instead.
    """
    import atexit
    import threading

    if any(thread.is_alive() and not thread.daemon for thread in threading.enumerate()
           if thread is not threading.main_thread()):
        sys.exit(code)
    run_handlers = getattr(atexit, "_run_exitfuncs", None)  # logging's flush, temporary folders' removal…
    if run_handlers is None:  # another Python: its ordinary exit
        sys.exit(code)
    run_handlers()
    _exit_now(code)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``qualepref`` command: no traceback for expected errors.

    Run as the command (``argv`` not given), it ends without the interpreter's teardown
    (:func:`_exit_without_teardown`); called with ``argv``, it raises ``SystemExit`` as usual.
    """
    try:
        _main(argv)
    except SystemExit as ended:
        if argv is not None or not (ended.code is None or isinstance(ended.code, int)):
            raise
        _exit_without_teardown(ended.code or 0)


def _main(argv: list[str] | None) -> None:
    for received in (signal.SIGTERM, signal.SIGINT):  # clean up, keep the previous review
        signal.signal(received, _interrupt)
    sys.unraisablehook = _quiet_interrupt_hook
    try:
        cli.main(args=argv, prog_name="qualepref", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_FILE_ERROR)
    except (click.exceptions.Abort, KeyboardInterrupt):
        for received in (signal.SIGTERM, signal.SIGINT):  # a Ctrl-C that click turned into Abort
            signal.signal(received, signal.SIG_IGN)
        click.echo("Interrompu : rien n'a été publié à moitié ; la revue précédente éventuelle est intacte.", err=True)
        _exit_now(130)
    except QualeprefError as exc:
        _fail(str(exc))
    except Exception as exc:  # never a traceback at the CLI
        if os.environ.get("QUALEPREF_DEBUG"):
            raise
        _fail(f"erreur inattendue ({type(exc).__name__}). Relancez avec QUALEPREF_DEBUG=1 pour le détail "
              "et signalez-la à l'équipe.", code=3)
    sys.exit(EXIT_OK)


if __name__ == "__main__":  # pragma: no cover
    main()
