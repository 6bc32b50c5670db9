"""A realistic cycle filled in bulk (ateliers, structures, attendance, cards, clusters,
votes), for the documents' tests and benchmark. Deterministic for a given ``seed``."""

from __future__ import annotations

import random
import secrets
from datetime import UTC, date, datetime, timedelta

from facilitator.core import cycles, events, tokens
from facilitator.extensions import db
from facilitator.models import Animateur, Attendance, Contribution, Cycle, Participant, Vote
from facilitator.scripts import Script

STRUCTURES = [
    ("Collège Jean-Moulin", "education_nationale", "Val-de-Lys"),
    ("Circonscription Éducation nationale", "education_nationale", "Val-de-Lys"),
    ("Programme de réussite éducative", "collectivite", "Val-de-Lys"),
    ("Service jeunesse de la ville", "collectivite", "Val-de-Lys"),
    ("Médiathèque Aragon", "collectivite", "Roseraie"),
    ("Maison de quartier des Tilleuls", "collectivite", "Les Tilleuls"),
    ("Direction de la cohésion sociale", "collectivite", "Agglomération"),
    ("Centre social Les Tilleuls", "association", "Les Tilleuls"),
    ("Trait d'Union (accompagnement à la scolarité)", "association", "Roseraie"),
    ("Club de prévention spécialisée", "association", "Val-de-Lys"),
    ("Association des parents d'élèves", "association", "Roseraie"),
    ("Compagnie théâtrale La Navette", "association", ""),
    ("Amicale laïque", "association", "Les Tilleuls"),
    ("Mission locale", "association", "Agglomération"),
    ("Épicerie solidaire", "association", "Roseraie"),
    ("Club de football du quartier", "association", "Les Tilleuls"),
    ("Ludothèque associative", "association", ""),
]
CHAMPS = [
    "éducation–jeunesse",
    "sport, culture, loisirs",
    "politique de la ville",
    "action sociale",
    "réussite éducative",
    "prévention",
]
IDEAS = [
    "Mieux connaître les dispositifs de chacun avant d'orienter une famille",
    "Un temps d'accueil commun des parents à la rentrée",
    "Partager un calendrier des actions du quartier",
    "Repérer plus tôt les élèves qui décrochent en 6e",
    "Former ensemble les professionnels au secret partagé",
    "Des locaux ouverts le mercredi pour l'aide aux devoirs",
    "Associer les habitants au comité de suivi",
    "Un référent unique par famille accompagnée",
    "Valoriser les réussites des jeunes auprès des parents",
    "Mutualiser le transport pour les sorties culturelles",
    "Créer une fiche de liaison entre collège et centre social",
    "Évaluer nos actions avec des indicateurs communs",
]
CLUSTERS = ["Coordination", "Parents", "Repérage", "Interconnaissance", "Évaluation"]


def populate(
    owner: Animateur,
    script: Script,
    *,
    ateliers: int = 9,
    contributions: int = 3000,
    people: int = 40,
    seed: int = 1,
    title: str = "Prévenir le décrochage scolaire",
) -> Cycle:
    rng = random.Random(seed)
    cycle = cycles.create_cycle(
        owner,
        title,
        theme="Construire une communauté d'action contre le décrochage scolaire.",
        territoire="Val-de-Lys — quartiers Les Tilleuls et La Roseraie",
    )
    structures = []
    with events.transaction():
        for name, type_, territoire in STRUCTURES:
            s = cycles.add_structure(cycle.id, name, type_, territoire)
            s.champs = rng.sample(CHAMPS, 2)
            structures.append(s)
    start = date(2025, 1, 14)
    made = [
        cycles.add_atelier(
            cycle,
            script,
            title=f"{script.title} ({n + 1})",
            when=start + timedelta(days=28 * n),
            mode=("presentiel", "distanciel", "hybride")[n % 3],
            lieu="Centre social Les Tilleuls, salle polyvalente" if n % 3 != 1 else "",
        )
        for n in range(ateliers)
    ]
    with events.transaction():
        persons = []
        for i in range(people):
            p = Participant(
                cycle_id=cycle.id,
                token_hash=tokens.token_hash(secrets.token_urlsafe(16)),
                display_name=f"Participant {i + 1}",
                structure_id=structures[i % len(structures)].id,
            )
            db.session.add(p)
            persons.append(p)
        db.session.flush()
        # attendance shrinks over the cycle, with a stable core (the first 12 people)
        present: dict[int, list[Participant]] = {}
        for n, atelier in enumerate(made):
            size = max(7, people - 3 * n - rng.randint(0, 4))
            chosen = persons[:12] + rng.sample(persons[12:], max(0, size - 12))
            present[atelier.id] = chosen
            db.session.add_all(
                Attendance(participant_id=p.id, atelier_id=atelier.id) for p in chosen
            )
        per_atelier = contributions // max(1, ateliers)
        cards: list[tuple[Contribution, list[Participant]]] = []
        for n, atelier in enumerate(made):
            count = per_atelier + (contributions % ateliers if n == ateliers - 1 else 0)
            steps = atelier.steps
            for i in range(count):
                step = steps[i % len(steps)]
                columns = step.settings.get("columns", [{"id": "a"}])
                author = rng.choice(present[atelier.id])
                card = Contribution(
                    atelier_id=atelier.id,
                    step_id=step.id,
                    client_id=f"c{n}-{i}",
                    participant_id=author.id,
                    text=f"{rng.choice(IDEAS)} ({i + 1})",
                    column=columns[i % len(columns)]["id"],
                    cluster=rng.choice(CLUSTERS) if rng.random() < 0.6 else None,
                    position=float(i),
                    data={"decision": True} if i == 7 else {},
                )
                db.session.add(card)
                cards.append((card, present[atelier.id]))
        db.session.flush()
        voted = {s.id for a in made for s in a.steps if s.settings.get("votes")}
        for card, voters in cards:
            if card.step_id in voted and rng.random() < 0.5:
                for voter in rng.sample(voters, rng.randint(1, min(4, len(voters)))):
                    db.session.add(
                        Vote(
                            step_id=card.step_id,
                            participant_id=voter.id,
                            contribution_id=card.id,
                            weight=1,
                        )
                    )
        for atelier in made:
            atelier.start()
            atelier.close()
            day = atelier.date or start
            atelier.closed_at = datetime.combine(day, datetime.min.time(), UTC) + timedelta(
                hours=16
            )
    return cycle
