"""The fictional content of the demo cycle « Prévenir le décrochage scolaire ».

Pseudonymous first names of professionals and structures of a fictional territory only:
never the name of a child or a family (README, docs/security.md)."""

from __future__ import annotations

from typing import Any

DEMO_EMAIL = "animateur@demo.crpv.fr"
DEMO_TITLE = "Prévenir le décrochage scolaire"
THEME = (
    "Construire une communauté d'action contre le décrochage scolaire : "
    "9 demi-journées d'ateliers et une restitution publique."
)
TERRITOIRE = "Val-de-Lys — quartiers prioritaires Les Tilleuls et La Roseraie"
LIEU = "Centre social Les Tilleuls, salle polyvalente"
LIEU_RESTITUTION = "Médiathèque municipale, auditorium (et en visioconférence)"

#: (name, type); the first nine are the ones the tests know (tests/browser_helpers.py)
STRUCTURES = [
    ("Collège Jean-Moulin", "education_nationale"),
    ("Circonscription Éducation nationale Val-de-Lys", "education_nationale"),
    ("Programme de réussite éducative — Ville de Val-de-Lys", "collectivite"),
    ("Service jeunesse — Ville de Val-de-Lys", "collectivite"),
    ("Délégué du préfet", "etat"),
    ("CAF du département", "caf"),
    ("Centre social Les Tilleuls", "association"),
    ("Association Trait d'Union (accompagnement à la scolarité)", "association"),
    ("Club de prévention spécialisée", "association"),
    ("Lycée professionnel Les Charmilles", "education_nationale"),
    ("Mission locale du Val-de-Lys", "association"),
    ("Maison départementale des solidarités", "departement"),
    ("Association des parents d'élèves du collège", "habitants"),
    ("Médiathèque municipale", "collectivite"),
]

#: (display name, structure index), in order of « fidélité » to the cycle: the first ones
#: come to (nearly) every atelier. The last two join later (atelier 3 and 4).
PEOPLE = [
    ("Nadia", 6), ("Julien", 0), ("Karima", 2), ("Laurent", 8), ("Sophie", 7),
    ("Farid", 3), ("Hélène", 1), ("Mehdi", 9), ("Claire", 5), ("Yann", 6),
    ("Inès", 0), ("Pascal", 4), ("Aurélie", 11), ("Thomas", 2), ("Fatou", 12),
    ("Benoît", 13), ("Chloé", 7), ("Damien", 3), ("Élodie", 0), ("Guillaume", 9),
    ("Rachida", 6), ("Sébastien", 8), ("Valérie", 1), ("Zoé", 12), ("Kevin", 3),
    ("Leïla", 2), ("Manon", 11), ("Océane", 7), ("Ismaël", 0), ("Jeanne", 5),
    ("Gaëlle", 13), ("Hugo", 9), ("Amina", 6),
    ("Émilie", 10), ("Bastien", 12),
]  # fmt: skip
#: index in PEOPLE → first atelier (1-based) they come to
LATE = {33: 3, 34: 4}
#: people present per atelier held (falling over the cycle, as in real life)
ATTENDANCE = [33, 26, 21, 17, 14, 12]
HELD = len(ATTENDANCE)

#: the four questions essentielles (atelier 2), with the enjeu each answers
QUESTIONS = [
    (
        "Repérage précoce",
        "Comment repérer ensemble, dès les premiers signes (absences répétées, exclusions, "
        "perte de motivation), les élèves qui commencent à décrocher ?",
    ),
    (
        "Lien avec les familles",
        "Comment associer les parents au parcours scolaire de leur enfant, en particulier "
        "ceux qui se sentent loin de l'école ?",
    ),
    (
        "Continuité éducative",
        "Comment assurer la continuité éducative entre le collège, le temps périscolaire et "
        "le quartier, notamment pendant les exclusions temporaires ?",
    ),
    (
        "Transitions et 16-18 ans",
        "Comment mieux accompagner les transitions (CM2-6e, 3e-lycée) et raccrocher les "
        "16-18 ans sortis du système scolaire sans solution ?",
    ),
]
#: proposals that were voted on but not retained
OTHER_PROPOSALS = [
    ("Repérage précoce", "Comment partager l'information sur les absences sans stigmatiser ?"),
    ("Continuité éducative", "Quelle place pour les activités sportives et culturelles ?"),
    ("Lien avec les familles", "Comment lever la barrière de la langue avec certains parents ?"),
]

#: cards per atelier (1-based) → step key → column → texts
CARDS: dict[int, dict[str, dict[str, list[str]]]] = {
    1: {
        "tour-de-table": {
            "presentations": [
                "CPE au collège, suivi des absences et lien avec les familles",
                "Référente parcours au Programme de réussite éducative",
                "Éducateur de prévention spécialisée sur Les Tilleuls et La Roseraie",
                "Coordinatrice de l'accompagnement à la scolarité, 45 bénévoles",
                "Animateur ados au service jeunesse, accueil du mercredi",
                "Conseillère pédagogique de circonscription, liaison école-collège",
                "Chargée de développement territorial à la CAF",
                "Référente familles au centre social",
                "Délégué du préfet, quartiers Les Tilleuls et La Roseraie",
                "Professeur principal de 3e, référent décrochage au lycée pro",
            ]
        },
        "attentes": {
            "attentes": [
                "Savoir qui fait quoi sur le quartier",
                "Des réponses plus rapides quand un élève ne vient plus",
                "Sortir de la logique de dispositifs empilés",
                "Un cadre clair pour partager l'information",
            ],
            "apports": [
                "Notre connaissance fine des familles du quartier",
                "Des locaux disponibles le mercredi après-midi",
                "Les données d'absentéisme agrégées du collège",
            ],
            "vigilances": [
                "Le secret professionnel : ne rien dire de nominatif en réunion",
                "Ne pas créer une réunion de plus sans suite concrète",
                "Garder les associations de bénévoles dans la boucle",
            ],
        },
        "enjeux": {
            "enjeux": [
                "Repérer plus tôt les élèves qui décrochent",
                "Partager un signalement sans trahir la confiance des familles",
                "Associer les parents éloignés de l'école",
                "Ne laisser aucun élève exclu seul dans le quartier",
                "Préparer le passage en 6e",
                "Trouver une solution pour les 16-18 ans sans affectation",
                "Mieux se connaître entre professionnels",
                "Coordonner les aides aux devoirs existantes",
            ]
        },
        "suite": {
            "retenu": [
                "On fait tous la même chose sans le savoir",
                "Beaucoup d'énergie, peu de coordination",
                "Le collège est prêt à ouvrir ses portes",
            ],
            "absents": [
                "La Mission locale, pour les plus de 16 ans",
                "Des parents d'élèves",
                "Le centre médico-psychologique et la santé scolaire",
            ],
        },
    },
    2: {
        "tendances": {
            "favorables": [
                "Plus de places en accompagnement à la scolarité",
                "La cité éducative finance de nouvelles actions",
                "Les enseignants sont demandeurs de partenariats",
            ],
            "preoccupantes": [
                "Absentéisme en hausse au collège depuis deux ans",
                "Exclusions temporaires plus fréquentes en 4e",
                "Des jeunes de 16 ans sans affectation à la rentrée",
                "Des parents qui ne viennent plus aux rencontres",
            ],
        },
        "futur": {
            "enfants-jeunes": [
                "Chaque élève a un adulte repère dans le quartier",
                "Aucun jeune de 16 ans sans solution à la Toussaint",
            ],
            "familles": [
                "Les parents se sentent bienvenus au collège",
                "Un seul interlocuteur quand ça ne va pas",
            ],
            "acteurs": [
                "Un réseau qui se connaît et s'appelle",
                "Des règles de partage d'information claires et signées",
            ],
        },
        "enjeux": {
            "enjeux": [
                "Repérage précoce des signes de décrochage",
                "Lien avec les familles",
                "Continuité éducative pendant les exclusions",
                "Transitions CM2-6e et 3e-lycée",
                "Solutions pour les 16-18 ans",
                "Partage d'information encadré",
            ]
        },
        "suite": {
            "absents": [
                "La Mission locale : à inviter au prochain atelier",
                "Les associations sportives",
            ],
            "retenu": [
                "Quatre questions qui nous rassemblent",
                "Le besoin d'un vocabulaire commun",
            ],
        },
    },
    3: {
        "angles-morts": {
            "besoins": [
                "Le soutien psychologique des collégiens : délais de plusieurs mois",
                "Rien le week-end pour les collégiens exclus",
                "L'accueil des parents non francophones",
            ],
            "associer": [
                "Le centre médico-psychologique",
                "Les clubs sportifs du quartier",
            ],
            "surprises": [
                "Trois structures font de l'aide aux devoirs le même soir",
                "Personne ne suit les élèves après une exclusion",
            ],
        }
    },
    4: {
        "priorites": {
            "interactions": [
                "Une cellule de veille partagée collège, PRE, prévention",
                "Un accueil des élèves exclus au centre social",
                "Un relais systématique vers la Mission locale à 16 ans",
                "Un café des parents animé avec le collège",
            ],
            "conditions": [
                "Un cadre écrit pour le partage d'information",
                "Un référent identifié dans chaque structure",
                "Du temps de coordination reconnu par les employeurs",
            ],
        },
        "suite": {
            "engagements": [
                "Le centre social peut accueillir les exclus le matin",
                "Le PRE peut coordonner la cellule de veille",
            ],
            "mandat": [
                "Faire valider la participation à la cellule par ma direction",
                "Vérifier ce que l'on peut partager avec l'accord des familles",
            ],
        },
    },
    5: {
        "attentes": {
            "attentes": [
                "Fixer des règles du jeu communes",
                "Rendre visible l'engagement de chaque structure",
                "Protéger les familles dans le partage d'information",
            ],
            "reserves": [
                "Un texte trop général qui n'engage à rien",
                "Des engagements que ma structure ne peut pas tenir",
            ],
        },
        "suite": {
            "mandat": [
                "Présenter le projet de charte à mon conseil d'administration",
                "Faire relire la clause de partage par notre juriste",
            ],
            "a-retravailler": [
                "La fréquence des réunions",
                "La place des parents dans le réseau",
            ],
        },
    },
    6: {
        "representations": {
            "evaluer": [
                "Savoir si ce que l'on fait sert vraiment aux élèves",
                "Rendre des comptes aux financeurs",
            ],
            "craintes": [
                "Remplir encore des tableaux",
                "Être jugé sur des chiffres que l'on ne maîtrise pas",
            ],
            "utile": [
                "Quelques indicateurs communs, simples",
                "Le point de vue des familles et des jeunes",
            ],
        },
        "cas-concret": {
            "jeunes-familles": [
                "Moins d'exclusions vécues comme une rupture",
                "Des parents mieux informés du parcours",
            ],
            "territoire": ["Des acteurs qui se connaissent et s'orientent mutuellement"],
            "structures": ["Un temps de coordination mieux utilisé"],
        },
        "suite": {
            "chaines": [
                "La cellule de veille du collège",
                "L'accueil des exclus au centre social",
            ],
            "avant-vote": [
                "L'accord de mon conseil d'administration",
                "La relecture de la clause de partage d'information",
            ],
        },
    },
}

#: cards of a voting step regrouped by the animateur: cluster → texts (prefixes)
CLUSTERS = {
    1: {
        "Repérage": ["Repérer plus tôt", "Partager un signalement"],
        "Familles": ["Associer les parents"],
        "Continuité": ["Ne laisser aucun élève", "Coordonner les aides"],
        "Transitions": ["Préparer le passage", "Trouver une solution"],
    },
    2: {
        "Prévenir": ["Repérage précoce", "Partage d'information"],
        "Accompagner": ["Lien avec les familles", "Continuité éducative"],
        "Orienter": ["Transitions", "Solutions pour les 16-18"],
    },
}

#: marks put by the animateur: atelier → [(text prefix, mark)]
MARKS = {
    1: [
        ("Repérer plus tôt", "decision"),
        ("La Mission locale", "carry_over"),
        ("Le centre médico-psychologique", "carry_over"),
    ],
    2: [("La Mission locale : à inviter", "carry_over"), ("Repérage précoce", "decision")],
    3: [
        ("Personne ne suit les élèves", "carry_over"),
        ("Le soutien psychologique", "open_question"),
    ],
    4: [("Une cellule de veille partagée", "decision"), ("Un cadre écrit", "carry_over")],
    5: [("La fréquence des réunions", "carry_over")],
    6: [("Quelques indicateurs communs", "decision")],
}


#: évaluation à chaud: suggestions per atelier (the others answer without one)
SUGGESTIONS = {
    1: ["Plus de temps en petits groupes", "Inviter la Mission locale", "Commencer à l'heure"],
    2: ["Envoyer le compte rendu plus vite", "Un ordre du jour envoyé la veille"],
    3: ["Travailler la carte question par question", "Plus de temps en petits groupes"],
    4: ["Alterner les lieux des ateliers", "Des exemples venus d'autres territoires"],
    5: ["Envoyer le projet de charte avant l'atelier", "Moins de temps en plénière"],
    6: ["Un point d'étape sur la cellule de veille", "Garder la météo de fin d'atelier"],
}

INDICATORS = [
    {"kind": "effectivite", "label": "Structures signataires de la charte", "target": "12",
     "value": "", "source": "Registre des signatures", "comment": "Vote à l'atelier 8."},
    {"kind": "effectivite", "label": "Réunions de la cellule de veille tenues",
     "target": "1 toutes les 6 semaines", "value": "3 sur 3 prévues",
     "source": "Comptes rendus de la cellule", "comment": ""},
    {"kind": "impact", "label": "Taux d'absentéisme des élèves de 4e et de 3e",
     "target": "-20 % en deux ans", "value": "",
     "source": "Vie scolaire du collège (données agrégées)", "comment": ""},
    {"kind": "impact", "label": "Jeunes de 16 à 18 ans sans solution orientés vers la "
     "Mission locale", "target": "30 par an", "value": "11 depuis le début du cycle",
     "source": "Mission locale", "comment": "Chiffre à consolider avec le lycée."},
]  # fmt: skip

#: the animateur's reading of the five conditions, per atelier held (1 absente → 4 solide)
CONDITION_LEVELS = {
    "programme_commun": [1, 2, 2, 3, 3, 3],
    "mesure_partagee": [1, 1, 1, 1, 2, 2],
    "activites_renforcees": [1, 1, 2, 2, 2, 3],
    "communication_continue": [2, 2, 2, 3, 3, 3],
    "structure_soutien": [2, 2, 2, 2, 3, 3],
}

#: the répertoire: one entry with a consented contact, one without
REPERTOIRE: list[tuple[int, dict[str, Any]]] = [
    (6, {
        "type": "association", "territoire": "Val-de-Lys",
        "champs": ["Action sociale", "Animation socio-culturelle"],
        "actions": "Accompagnement à la scolarité, café des parents, accueil de loisirs.",
        "consent": True, "contact_name": "Nadia", "contact_role": "Référente familles",
        "contact_email": "familles@cs-tilleuls.example.org", "contact_phone": "",
    }),
    (8, {
        "type": "association", "territoire": "Val-de-Lys",
        "champs": ["Prévention (délinquance, radicalisation)"],
        "actions": "Présence éducative de rue, accueil de collégiens exclus.",
        "consent": False,
    }),
]  # fmt: skip

#: feuille de route actions proposed in advance (the step of atelier 9 is open between
#: ateliers): (author index in PEOPLE, intitulé, question, pilote, contributeurs, days, moyens)
ROADMAP = [
    (2, "Cellule de veille partagée sur l'absentéisme, toutes les six semaines", 1, 2, [0, 8],
     120, "Une salle au collège, deux heures de coordination par mois"),
    (0, "Accueil des collégiens exclus temporairement au centre social, le matin", 3, 6,
     [0, 7, 8], 150, "Un animateur dédié trois matinées par semaine"),
    (7, "Relais systématique vers la Mission locale des jeunes de 16 ans sans affectation",
     4, 10, [9, 0], 200, ""),
]  # fmt: skip
