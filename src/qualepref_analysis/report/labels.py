"""French labels of the codes of the data contract, for everything a reader sees."""

from __future__ import annotations

__all__ = ["LABELS", "label"]

LABELS: dict[str, dict[str, str]] = {
    "type": {
        "reclamation": "Réclamation",
        "suggestion": "Suggestion",
        "information": "Demande d'information",
    },
    "canal": {
        "courriel": "Courriel",
        "courrier": "Courrier",
        "services_publics_plus": "Services Publics+",
        "urne": "Urne",
        "formulaire_web": "Formulaire web",
    },
    "categorie": {
        "delai_instruction": "Délai d'instruction des dossiers",
        "prise_rdv": "Prise de rendez-vous",
        "accueil_physique": "Accueil physique",
        "joignabilite": "Joignabilité (téléphone, courriel, courrier)",
        "demarche_en_ligne": "Démarches en ligne",
        "titre_delivre": "Titre délivré",
        "decision_contestee": "Décision contestée",
        "autre": "Autre",
    },
    "statut": {
        "realisee": "Réalisée",
        "en_cours": "En cours",
        "prevue": "Prévue",
        "abandonnee": "Abandonnée",
    },
    "resultat": {
        "conforme": "Conforme",
        "non_conforme": "Non conforme",
        "point_fort": "Point fort",
        "piste_progres": "Piste de progrès",
    },
    "ressenti": {"positif": "Positif", "neutre": "Neutre", "negatif": "Négatif"},
    "demi_journee": {"matin": "Matin", "apres_midi": "Après-midi"},
    "mode": {"qr": "QR code", "papier": "Formulaire papier"},
    "pan": {"ants": "ANTS", "emeraude": "E-Meraude"},
    "demarche": {
        "permis_conduire": "Permis de conduire",
        "immatriculation": "Immatriculation",
        "cni_passeport": "Carte d'identité et passeport",
        "naturalisation": "Naturalisation",
    },
    "service": {
        "sejour_etrangers": "Séjour des étrangers",
        "naturalisations": "Naturalisations",
        "accueil_general": "Accueil général",
        "pan": "Point d'accueil numérique",
        "cert": "CERT",
        "autres": "Autres services",
        "standard": "Standard",
    },
    "statut_delai": {
        "dans_les_delais": "Réponse dans les délais",
        "en_retard": "Réponse hors délai",
        "sans_reponse_hors_delai": "Sans réponse, délai dépassé",
        "en_attente": "Sans réponse, encore dans le délai",
    },
    "evaluation": {
        "atteint": "✔ Cible atteinte",
        "non_atteint": "✘ Cible non atteinte",
        "non_evaluable": "⚠ Non évaluable (effectif trop faible)",
        "sans_cible": "Sans cible",
        "sans_donnees": "Pas de données",
    },
}


def label(kind: str, code: object) -> str:
    """French label of a code; an unknown code is shown as typed, made readable.

    Examples
    --------
    >>> label("canal", "services_publics_plus")
    'Services Publics+'
    >>> label("service", "sejour_etrangers"), label("service", "accueil_general_bis")
    ('Séjour des étrangers', 'Accueil general bis')
    """
    text = str(code)
    known = LABELS.get(kind, {}).get(text)
    if known is not None:
        return known
    readable = text.replace("_", " ").strip()
    return readable[:1].upper() + readable[1:]
