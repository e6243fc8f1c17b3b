"""French agreement and typography, against sentences written by hand."""

from __future__ import annotations

import datetime as dt

import pytest

import pandas as pd

from qualepref_analysis.report.formatting import format_date, format_number, month_labels
from qualepref_analysis.report.grammar import agree, count_of, french_spacing, period_label
from qualepref_analysis.report.html import absent_dataset, no_site_rows
from qualepref_analysis.report.values import format_change

NBSP, NNBSP, MINUS = "\u00a0", "\u202f", "\u2212"


@pytest.mark.parametrize("count, noun, adjectives, expected", [
    (0, "section", ("produit",), "0 section produite"),
    (1, "section", ("produit",), "1 section produite"),
    (2, "section", ("produit",), "2 sections produites"),
    (1, "ligne", ("vide", "ignoré"), "1 ligne vide ignorée"),
    (3, "ligne", ("vide", "ignoré"), "3 lignes vides ignorées"),
    (2, "texte", ("classé",), "2 textes classés"),
    (2, "point fort", (), "2 points forts"),
    (5, "mise à jour", ("publié",), "5 mises à jour publiées"),
    (2, "canal", ("principal",), "2 canaux principaux"),
    (1500, "réclamation", (), f"1{NNBSP}500 réclamations"),
])
def test_count_agrees_with_its_noun(count, noun, adjectives, expected):
    assert count_of(count, noun, *adjectives) == expected


def test_adjectives_agree_in_gender_and_number():
    assert agree("satisfait", feminine=True, plural=False) == "satisfaite"
    assert agree("remis", feminine=False, plural=True) == "remis"
    assert agree("rapide", feminine=True, plural=True) == "rapides"


@pytest.mark.parametrize("text, expected", [
    ("95 %", f"95{NBSP}%"),
    ("Note : voir", f"Note{NBSP}: voir"),
    ("oui ; non ! vraiment ?", f"oui{NNBSP}; non{NNBSP}! vraiment{NNBSP}?"),
    ("« Bonjour »", f"«{NBSP}Bonjour{NBSP}»"),
    ("écart de -20,1 points (-3)", f"écart de {MINUS}20,1 points ({MINUS}3)"),
    ("2021-2022, 2022-12-01, Sélestat-Erstein, 10:30, https://x.fr", "2021-2022, 2022-12-01, Sélestat-Erstein, 10:30, https://x.fr"),
    ("le 1 mai et le 11 mai", "le 1er mai et le 11 mai"),
])
def test_french_spacing(text, expected):
    assert french_spacing(text) == expected


def test_numbers_dates_periods_and_changes_the_french_way():
    assert format_number(-20.14, 1) == f"{MINUS}20,1" and format_number(-0.01, 1) == "0,0"
    assert format_date(dt.date(2022, 12, 1)) == "1er décembre 2022"
    assert format_date(dt.date(2022, 4, 30)) == "30 avril 2022"
    assert format_date(dt.date(2022, 4, 30), "short") == "30/04/2022"
    assert period_label("2022-T4") == "4e trimestre 2022" and period_label("2023-T1") == "1er trimestre 2023"
    assert period_label("2022 S1") == "1er semestre 2022" and period_label("juin 2022") == "juin 2022"
    assert format_change(2.0, None, "jours_ouvres") == "en hausse de 2,0 jours ouvrés"
    assert format_change(12.5, None, "visites_mois") == "en hausse de 12,5 visites par mois"
    # a count whose base is too small for a percentage: its direction, never « en hausse de 12 » without a noun
    assert format_change(12, None, "nombre") == "en hausse" and format_change(-1, None, "nombre") == "en baisse"
    assert format_change(-55, -12.76, "nombre") == f"en baisse de 12,8{NBSP}%"
    assert month_labels(pd.PeriodIndex(["2022-01"], freq="M")) == [f"janv.{NBSP}2022"]  # never « janv.⏎2022 »


def test_absent_file_and_no_row_for_the_site_say_different_things():
    absent = absent_dataset("chatbot", "l'activité du chatbot").replace(NBSP, " ")
    empty = no_site_rows("site_internet", "le suivi du site internet", "Sous-préfecture de Sélestat-Erstein")
    empty = empty.replace(NBSP, " ")
    assert "n’ont pas été fournies" in absent and "ne présente donc pas l&#x27;activité du chatbot" in absent
    assert "ne comptent aucune ligne pour la sous-préfecture de Sélestat-Erstein" in empty
    assert "fournies" not in empty
