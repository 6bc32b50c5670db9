"""The demo's productions: the map of actors (ateliers 3 and 4) and the charte (ateliers 5
and 6), made by ``facilitator.demo.productions``."""

from __future__ import annotations

from typing import Any

#: the map: (name or structure index, type, champs, [(action, [question numbers])])
ACTORS: list[tuple[str | int, str, list[str], list[tuple[str, list[int]]]]] = [
    (0, "education_nationale", ["education_jeunesse"], [
        ("Cellule de veille sur l'absentéisme, chaque quinzaine", [1]),
        ("Dispositif relais pour les élèves exclus temporairement", [3]),
    ]),
    (2, "collectivite", ["reussite_educative"], [
        ("Parcours individualisés de réussite éducative", [1, 2]),
    ]),
    (6, "association", ["animation", "action_sociale"], [
        ("Accompagnement à la scolarité et café des parents", [2]),
    ]),
    (7, "association", ["education_jeunesse"], [("Aide aux devoirs au collège", [3])]),
    (8, "association", ["prevention"], [
        ("Présence éducative de rue, accueil des collégiens exclus", [3]),
    ]),
    (9, "education_nationale", ["education_jeunesse"], [
        ("Groupe de prévention du décrochage scolaire (GPDS)", [1, 4]),
    ]),
    (10, "association", ["insertion"], [
        ("Accompagnement des 16-18 ans sans solution (obligation de formation)", [4]),
    ]),
    (5, "caf", ["action_sociale"], [("Financement des contrats locaux (CLAS)", [2])]),
    (3, "collectivite", ["sport_culture_loisirs", "animation"], [
        ("Accueil de loisirs ados et chantiers éducatifs", [3]),
    ]),
    (1, "education_nationale", ["education_jeunesse"], [("Liaison école-collège CM2-6e", [4])]),
    (11, "departement", ["action_sociale", "protection_enfance"], [
        ("Accompagnement social et éducatif des familles", [2]),
    ]),
    (4, "etat", ["politique_ville"], [("Programmation des crédits politique de la ville", [])]),
    ("Centre médico-psychologique enfants-adolescents", "autre", ["sante"], []),
    ("Clubs sportifs du quartier", "association", ["sport_culture_loisirs"], []),
    ("Service de santé scolaire", "education_nationale", ["sante"], [
        ("Bilans de santé et écoute des élèves", [1]),
    ]),
]  # fmt: skip

#: relations between actors (indexes in ACTORS): (a, b, status, level, natures, question)
RELATIONS = [
    (0, 1, "existante", "coordination", ["information", "orientation"], 1),
    (0, 5, "existante", "partenariat", ["information"], 4),
    (0, 14, "existante", "coordination", ["information"], 1),
    (1, 2, "existante", "cooperation", ["orientation", "co_portage"], 2),
    (1, 10, "existante", "partenariat", ["orientation"], 2),
    (2, 7, "existante", "partenariat", ["mutualisation"], 2),
    (2, 3, "existante", "coordination", ["mutualisation", "information"], 3),
    (3, 0, "existante", "partenariat", ["information"], 3),
    (4, 8, "existante", "cooperation", ["co_portage"], 3),
    (4, 0, "existante", "non_cooperation", [], 3),
    (5, 6, "existante", "partenariat", ["orientation"], 4),
    (9, 0, "existante", "coordination", ["information", "formation"], 4),
    (11, 1, "existante", "partenariat", ["autre"], None),
    (11, 2, "existante", "partenariat", ["autre"], None),
    # à créer (atelier 4)
    (0, 4, "a_creer", "coordination", ["orientation", "co_portage"], 1),
    (0, 2, "a_creer", "cooperation", ["co_portage"], 3),
    (6, 0, "a_creer", "partenariat", ["orientation"], 4),
    (6, 1, "a_creer", "coordination", ["orientation", "information"], 4),
    (10, 0, "a_creer", "partenariat", ["information"], 2),
    (14, 1, "a_creer", "coordination", ["information"], 1),
]
#: relations recorded at atelier 3 (the others at atelier 4)
RELATIONS_AT_3 = 14

#: charte v1 (atelier 5): section → (clause, idea card that inspired it)
CLAUSES = [
    ("objet", "Réduire le décrochage des élèves du collège Jean-Moulin et du lycée Les "
     "Charmilles en agissant ensemble dès les premiers signes.",
     "Agir dès les premiers signes, pas quand il est trop tard"),
    ("valeurs", "Nous plaçons l'intérêt de l'élève et de sa famille au centre, dans le "
     "respect des missions de chacun.", "L'élève et sa famille au centre"),
    ("valeurs", "Nous accueillons les familles sans jugement.", "Pas de jugement sur les familles"),
    ("fonctionnement", "Le groupe se réunit une fois par mois ; chaque structure désigne un "
     "référent et un suppléant.", "Un référent par structure"),
    ("engagements", "Chaque structure présente ses actions aux autres et oriente vers elles "
     "les élèves et les familles qui en ont besoin.", "S'orienter mutuellement"),
    ("acteurs", "Le réseau est ouvert à toute structure du territoire qui adhère à la "
     "présente charte.", None),
    ("gouvernance", "Un comité de pilotage réunit les signataires deux fois par an.", None),
    ("partage", "Aucune information nominative n'est échangée sans l'accord de la famille ; "
     "seules les informations strictement nécessaires sont partagées, dans le respect du "
     "secret professionnel.", "Jamais de nom sans l'accord de la famille"),
    ("suivi", "Le groupe suit chaque année quelques indicateurs communs définis ensemble.",
     "Quelques indicateurs simples"),
    ("communication", "Toute communication extérieure sur le projet est validée par le "
     "comité de pilotage.", None),
]  # fmt: skip
#: more idea cards of atelier 5 (section → texts) besides the clauses' sources
IDEAS = {
    "fonctionnement": ["Des réunions courtes et préparées"],
    "engagements": ["Chacun vient avec ses données"],
    "communication": ["Informer les parents de l'existence du réseau"],
}

#: amendments of atelier 6: (kind, clause index or section, text, reason, accepted?)
AMENDMENTS: list[tuple[str, Any, str, str, bool]] = [
    ("modification", 3, "Le groupe se réunit toutes les six semaines ; chaque structure "
     "désigne un référent et un suppléant.",
     "Une réunion par mois est trop lourde pour les petites associations.", True),
    ("modification", 7, "Aucune information nominative n'est échangée sans l'accord de la "
     "famille ; seules les informations strictement nécessaires sont partagées, dans le "
     "respect du secret professionnel. Chaque référent est garant de ces règles.",
     "Il faut quelqu'un de responsable dans chaque structure.", True),
    ("ajout", "suivi", "Un bilan annuel est présenté aux familles et aux habitants du "
     "quartier.", "Les familles doivent savoir ce que le réseau fait.", True),
    ("suppression", 9, "", "Chaque structure communique déjà comme elle l'entend.", False),
]  # fmt: skip
REJECTION = "Le groupe tient à une communication commune : la clause est gardée."
