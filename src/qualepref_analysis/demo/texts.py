"""Free texts of the demo data: complaints, suggestions, requests, experiences.

Texts are assembled from varied fragments (greetings, the request itself,
context, courtesy formulas) and then roughened the way real user mail is:
missing accents, capitals, SMS spellings, typos, and sometimes fake personal
data (names, e-mails, phone numbers, foreigner file numbers) so that the
privacy safeguards can be tested. Every person and number here is invented.
"""

from __future__ import annotations

import numpy as np

from qualepref_analysis.io.normalise import fold_accents

__all__ = ["complaint_text", "information_text", "experience_text", "FAKE_SURNAMES"]

FAKE_FIRST_NAMES = ("Amina", "Karim", "Sofia", "Youssef", "Fatou", "Ivan", "Mei", "Lucas", "Nadia", "Oumar",
                    "Elena", "Samir", "Aïcha", "Thomas", "Rania", "Moussa", "Ioana", "Hugo", "Leïla", "Dmitri")
FAKE_SURNAMES = ("Benali", "Diallo", "Nguyen", "Petrov", "Traoré", "Haddad", "Martin", "Kowalski", "Mendes",
                 "Okafor", "Durand", "Rahmani", "Popescu", "Chen", "Fofana", "Lefèvre", "Bouzid", "Santos")

GREETINGS = ("Bonjour,", "Madame, Monsieur,", "Bonjour madame, bonjour monsieur,", "Bonsoir,", "Madame la Préfète,",
             "Monsieur le sous-préfet,", "", "", "Bjr,", "Hello,", "A l'attention du service concerné,")
CLOSINGS = ("Cordialement.", "Merci d'avance pour votre réponse.", "Bien cordialement,", "Dans l'attente de votre retour,",
            "Je vous remercie par avance.", "Merci.", "", "", "Salutations.", "Merci de faire le nécessaire svp",
            "Veuillez agréer mes salutations distinguées.")

COMPLAINT_BODIES: dict[str, tuple[str, ...]] = {
    "delai_instruction": (
        "J'ai déposé ma demande de renouvellement de titre de séjour il y a plus de six mois et je n'ai toujours aucune décision.",
        "Mon dossier de naturalisation est en cours d'instruction depuis deux ans, c'est beaucoup trop long.",
        "Mon récépissé expire la semaine prochaine et mon titre de séjour n'est toujours pas fabriqué, je risque de perdre mon travail.",
        "Ma demande d'échange de permis de conduire étranger est bloquée depuis 14 mois sans aucune nouvelle.",
        "Cela fait huit mois que j'attends le traitement de mon dossier sur l'ANEF, le statut reste « en cours d'instruction ».",
        "je suis en attente de ma carte de resident depuis septembre, mon employeur me demande un justificatif",
        "Le délai de traitement de ma demande de titre talent est anormalement long, j'ai fourni toutes les pièces.",
        "Mon dossier de regroupement familial n'avance pas, ma famille attend depuis plus d'un an.",
        "Pourquoi mon renouvellement prend-il autant de temps ? J'ai déposé en avance et je vais me retrouver sans papiers.",
        "Mon attestation de prolongation d'instruction a expiré et je n'ai toujours pas de décision sur ma demande.",
        "j attend depuis 10 mois pour mon titre etudiant, je ne peux pas m inscrire a l universite sans",
        "Mon dossier est complet depuis janvier mais l'instruction n'a pas commencé d'après le site.",
    ),
    "prise_rdv": (
        "Impossible d'obtenir un rendez-vous sur votre site : aucun créneau n'est jamais disponible.",
        "Je me connecte tous les jours à minuit pour prendre rendez-vous et il n'y a jamais de place.",
        "Je n'arrive pas à avoir de rdv pour retirer mon titre, le calendrier est toujours complet.",
        "Depuis trois mois j'essaie de réserver un créneau pour le dépôt de mon dossier, sans succès.",
        "Des intermédiaires revendent les rendez-vous de la préfecture, c'est scandaleux, nous ne trouvons aucune place.",
        "pas de rendez vous dispo pour le service des etrangers depuis des semaines, comment faire ???",
        "Le module de prise de rendez-vous affiche « plus de plage horaire libre » à chaque tentative.",
        "J'ai besoin d'un rendez-vous urgent pour un duplicata mais aucun créneau n'est proposé avant trois mois.",
        "Mon rendez-vous a été annulé la veille sans explication et je ne peux pas en reprendre un autre.",
        "Aucun créneau pour la remise de mon titre alors que j'ai reçu le SMS me disant qu'il est prêt.",
    ),
    "accueil_physique": (
        "J'ai attendu plus de trois heures debout dans la file devant la préfecture, sous la pluie.",
        "L'agent au guichet a été très désagréable et m'a parlé sur un ton méprisant.",
        "La salle d'attente est bondée, il n'y a pas assez de chaises et les toilettes étaient fermées.",
        "Aucune signalétique pour trouver le bureau des étrangers, on m'a envoyé d'un bâtiment à l'autre.",
        "L'accès pour les personnes à mobilité réduite est impossible, l'ascenseur était en panne.",
        "Au guichet, tout le monde entend les informations personnelles des autres usagers, aucune confidentialité.",
        "J'avais pourtant un rendez-vous mais j'ai attendu deux heures au guichet avant d'être reçu.",
        "L'agent d'accueil à l'entrée ne savait pas m'orienter et m'a renvoyé dehors.",
        "le vigile a refusé de me laisser entrer alors que j avais ma convocation",
        "Les files d'attente dehors dès 6 h du matin sont indignes, il faudrait un abri.",
    ),
    "joignabilite": (
        "J'ai envoyé quatre courriels au service des étrangers et je n'ai jamais eu de réponse.",
        "Impossible de joindre la préfecture par téléphone, ça sonne dans le vide ou ça raccroche.",
        "J'ai écrit un courrier recommandé il y a deux mois et je n'ai reçu aucune réponse à ce jour.",
        "Personne ne répond au standard, j'ai appelé vingt fois dans la journée.",
        "Pas de réponse à mes mails depuis un mois alors que ma question est simple.",
        "La boîte mail indiquée sur votre site renvoie un message automatique et personne ne répond jamais.",
        "j'ai laissé plusieurs messages sur le repondeur personne ne rappelle",
        "Votre formulaire de contact ne sert à rien, je n'ai jamais eu de retour.",
        "Le serveur vocal me renvoie toujours au site internet sans jamais me mettre en relation avec un agent.",
    ),
    "demarche_en_ligne": (
        "Le site de l'ANEF affiche une erreur à chaque fois que je veux téléverser mes justificatifs.",
        "Je n'arrive pas à finaliser ma demande de permis sur le site de l'ANTS, le paiement du timbre échoue.",
        "Votre chatbot ne comprend pas mes questions et tourne en rond.",
        "La démarche en ligne pour le certificat d'immatriculation bloque à la dernière étape.",
        "Impossible de créer mon compte sur la plateforme, je ne reçois jamais le code de validation.",
        "Le site internet de la préfecture n'est pas à jour, les informations sur les horaires sont fausses.",
        "J'ai fait ma demande sur l'ANEF mais le dossier a disparu de mon espace personnel.",
        "le site ants bug depuis 3 jours, message d erreur technique a chaque connexion",
        "La téléprocédure ne propose pas mon cas, je ne peux donc pas déposer ma demande.",
    ),
    "titre_delivre": (
        "Mon titre de séjour comporte une erreur sur mon nom de famille, il faut le corriger.",
        "Ma carte de séjour est arrivée avec une mauvaise date de naissance.",
        "On m'a remis un titre d'un an alors que j'avais droit à une carte pluriannuelle.",
        "Mon permis de conduire a été perdu lors de l'envoi, je ne l'ai jamais reçu.",
        "Le titre qui m'a été remis au guichet ne correspond pas à ma demande (mention « étudiant » au lieu de « salarié »).",
        "Ma photo sur le titre est floue et la carte est déjà abîmée.",
        "mon titre est pret depuis un mois mais on me dit qu il est introuvable",
    ),
    "decision_contestee": (
        "Je conteste le refus de séjour qui m'a été notifié, je remplis toutes les conditions.",
        "Je ne comprends pas le rejet de ma demande de naturalisation, je souhaite un recours.",
        "L'obligation de quitter le territoire qui m'a été notifiée est injuste, j'ai un CDI et des enfants scolarisés.",
        "Ma demande de regroupement familial a été refusée pour des ressources insuffisantes alors que mon salaire a augmenté.",
        "Je demande le réexamen de la décision d'ajournement de ma naturalisation.",
        "Je conteste la suspension de mon permis de conduire, l'infraction ne me concerne pas.",
        "refus de mon dossier sans motif clair, je veux faire un recours gracieux",
    ),
    "autre": (
        "Le parking à proximité de la sous-préfecture est toujours complet.",
        "Je souhaite signaler un comportement suspect dans le hall d'entrée.",
        "J'ai perdu un objet dans la salle d'attente vendredi, l'avez-vous retrouvé ?",
        "Les horaires d'ouverture affichés à l'entrée ne correspondent pas à ceux de la porte latérale.",
        "Je voulais signaler que la borne de paiement des timbres fiscaux est hors service.",
    ),
}

SUGGESTION_BODIES: dict[str, tuple[str, ...]] = {
    "accueil_physique": (
        "Il serait bien d'installer plus de sièges dans la salle d'attente.",
        "Je suggère d'afficher le temps d'attente estimé à l'entrée.",
        "Pourquoi ne pas mettre un distributeur d'eau dans le hall ?",
        "Un plan du bâtiment à l'accueil aiderait beaucoup les usagers.",
    ),
    "demarche_en_ligne": (
        "Il faudrait que le chatbot propose aussi des réponses en anglais.",
        "Ce serait pratique de pouvoir suivre l'avancement de son dossier par SMS.",
        "Je propose d'ajouter une foire aux questions sur le site pour le permis de conduire.",
    ),
    "autre": (
        "Merci de penser à installer un local à vélos devant la sous-préfecture.",
        "Une boîte aux lettres accessible le week-end serait utile.",
    ),
}

CONTEXTS = (
    "Mon numéro de dossier est {agdref}.",
    "Je m'appelle {name}, vous pouvez me joindre au {phone}.",
    "Vous pouvez me répondre à {email}.",
    "J'habite à {city} depuis 2015.",
    "Je suis venu le {day} au matin.",
    "C'est la troisième fois que je vous écris.",
    "Je suis très inquiet pour ma situation.",
    "Mon employeur attend ce document.",
    "Je vous remercie pour votre aide.",
    "Ma fille est née en France en 2019.",
    "Mon numéro étranger : {agdref}",
    "Tel : {phone}",
    "{name}",
)

INFORMATION_BODIES = (
    "Quels documents faut-il fournir pour renouveler une carte de séjour ?",
    "Bonjour, je voudrais savoir si je peux voyager avec mon récépissé.",
    "Quels sont les horaires d'ouverture du guichet des étrangers ?",
    "Comment faire pour changer l'adresse sur ma carte grise ?",
    "Est-ce que la préfecture délivre encore les permis internationaux ?",
    "Je souhaite connaître la procédure pour un duplicata de titre de séjour.",
    "Où déposer une demande de naturalisation ?",
    "Faut-il prendre rendez-vous pour retirer un titre ?",
    "Est-il possible de payer le timbre fiscal sur place ?",
    "Quelle est l'adresse pour envoyer un dossier de regroupement familial ?",
    "Mon enfant peut-il obtenir un document de circulation pour étranger mineur ?",
    "comment obtenir une attestation de dépôt ?",
)

EXPERIENCE_BODIES = {
    "positif": (
        "Accueil rapide et agents très aimables, merci.",
        "Mon titre était prêt dans les délais annoncés, très bon service.",
        "Le PAN m'a aidé à faire ma demande de permis en ligne, bravo à l'agent.",
        "Rendez-vous respecté à l'heure, démarche simple.",
    ),
    "neutre": (
        "Démarche correcte mais un peu longue.",
        "Bon accueil mais signalétique à revoir.",
        "Délai acceptable, informations peu claires sur le site.",
    ),
    "negatif": (
        "Aucun rendez-vous disponible depuis des semaines.",
        "Trois heures d'attente pour un simple retrait.",
        "Pas de réponse à mes courriels depuis un mois.",
        "Dossier bloqué sans explication sur l'ANEF.",
    ),
}

CITIES = ("Nanterre", "Colombes", "Antony", "Clamart", "Boulogne-Billancourt", "Gennevilliers", "Montrouge", "Rueil-Malmaison")
SMS = (("rendez-vous", "rdv"), ("beaucoup", "bcp"), ("s'il vous plaît", "svp"), ("pourquoi", "pq"),
       ("toujours", "tjrs"), ("quelque", "qlq"), ("aujourd'hui", "ajd"), ("je suis", "jsuis"))


def _fake_email(rng: np.random.Generator) -> str:
    first = fold_accents(str(rng.choice(FAKE_FIRST_NAMES))).lower()
    last = fold_accents(str(rng.choice(FAKE_SURNAMES))).lower()
    domain = rng.choice(("exemple-mail.fr", "courriel-test.fr", "demo-usager.org"))
    sep = rng.choice((".", "_", ""))
    return f"{first}{sep}{last}{int(rng.integers(1, 99))}@{domain}"


def _fake_phone(rng: np.random.Generator) -> str:
    digits = [int(d) for d in rng.integers(0, 10, size=8)]
    lead = int(rng.choice((6, 7, 1)))
    style = int(rng.integers(0, 4))
    groups = [f"{digits[i]}{digits[i + 1]}" for i in range(0, 8, 2)]
    if style == 0:
        return f"0{lead} " + " ".join(groups)
    if style == 1:
        return f"0{lead}" + "".join(groups)
    if style == 2:
        return f"+33 {lead} " + " ".join(groups)
    return f"0{lead}." + ".".join(groups)


def _fill(template: str, rng: np.random.Generator) -> str:
    name = f"{rng.choice(FAKE_FIRST_NAMES)} {str(rng.choice(FAKE_SURNAMES)).upper()}"
    return template.format(
        agdref="".join(str(int(d)) for d in rng.integers(0, 10, size=10)),
        name=name,
        phone=_fake_phone(rng),
        email=_fake_email(rng),
        city=rng.choice(CITIES),
        day=f"{int(rng.integers(1, 28))} {rng.choice(('janvier', 'mars', 'juin', 'octobre'))}",
    )


def _roughen(text: str, rng: np.random.Generator) -> str:
    """Make a clean sentence look like real user mail (accents, case, SMS, typos)."""
    roll = rng.random()
    if roll < 0.25:
        text = fold_accents(text)
    if rng.random() < 0.15:
        for long, short in SMS:
            text = text.replace(long, short)
    if rng.random() < 0.08:
        text = text.upper()
    elif rng.random() < 0.2:
        text = text.lower()
    if rng.random() < 0.25 and len(text) > 20:
        i = int(rng.integers(1, len(text) - 2))
        text = text[:i] + text[i + 1] + text[i] + text[i + 2:]  # swapped letters
    if rng.random() < 0.1:
        text = text.replace(".", " !!", 1)
    return text


def _assemble(bodies: list[str], rng: np.random.Generator, personal_rate: float) -> str:
    parts = [str(rng.choice(GREETINGS))]
    parts.extend(bodies)
    n_context = int(rng.integers(0, 3))
    for _ in range(n_context):
        template = str(rng.choice(CONTEXTS))
        if "{" in template and rng.random() > personal_rate:
            continue
        parts.append(_fill(template, rng))
    parts.append(str(rng.choice(CLOSINGS)))
    separator = "\n" if rng.random() < 0.3 else " "
    return _roughen(separator.join(p for p in parts if p).strip(), rng)


def complaint_text(category: str, kind: str, rng: np.random.Generator, *, personal_rate: float = 0.35) -> str:
    """A complaint (``kind='reclamation'``) or suggestion whose true subject is ``category``.

    A minority of complaints also mention a secondary subject, as real mail
    does; the category stays what the writer asks to be solved (the first sentence).
    """
    if kind == "suggestion":
        pool = SUGGESTION_BODIES.get(category, SUGGESTION_BODIES["autre"])
        return _assemble([str(rng.choice(pool))], rng, personal_rate)
    bodies = [str(rng.choice(COMPLAINT_BODIES[category]))]
    if rng.random() < 0.4:
        others = [c for c in COMPLAINT_BODIES if c != category]
        secondary = str(rng.choice(others))
        bodies.append("De plus, " + _lower_first(str(rng.choice(COMPLAINT_BODIES[secondary]))))
    return _assemble(bodies, rng, personal_rate)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def information_text(rng: np.random.Generator) -> str:
    """An information request sent by e-mail."""
    return _assemble([str(rng.choice(INFORMATION_BODIES))], rng, 0.3)


def experience_text(feeling: str, rng: np.random.Generator) -> str:
    """A Services Publics+ experience with the given feeling."""
    return _assemble([str(rng.choice(EXPERIENCE_BODIES[feeling]))], rng, 0.2)
