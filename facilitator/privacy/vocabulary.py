"""Words the personal-data rules look for (facilitator/privacy/rules.py)."""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: a capitalised word (a first name, a family name) and an initial
NAME = (
    r"[A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ][a-zàâäçéèêëîïôöùûüÿ]+(?:-[A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ][a-zàâäçéèêëîïôöùûüÿ]+)?"
)
INITIAL = r"[A-ZÀÂÇÉÈÊÎÏÔÙÛ]\."
CIVILITY = r"(?:M\.|Mme|Mlle|Monsieur|Madame)"

#: ages written in words, as professionals write them (« Mehdi, douze ans »)
NUMBER_WORDS = (
    r"(?:un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|"
    r"quinze|seize|dix-sept|dix-huit|dix-neuf|vingt)"
)
#: an age: « 12 ans », « douze ans », « 10 et 12 ans » — not « 12 ans d'expérience »
_NUMBER = rf"(?:\d{{1,2}}|{NUMBER_WORDS})"
AGE = rf"{_NUMBER}(?:\s*(?:et|à|-)\s*{_NUMBER})?\s*ans\b(?!\s*(?:de\b|d['’]|après|plus))"
#: a school class: « CM2 », « 5e B », « 6e », « GS », « terminale »
CLASS = r"(?:CP|CE1|CE2|CM1|CM2|GS|MS|PS|[3-6]e(?:\s?[A-D]\b)?|seconde|première|terminale)\b"

#: family ties: « le petit frère de Bilal », « la mère d'Océane », « les jumeaux de Mme X »
KIN = (
    r"(?:petit-fils|petite-fille|grand-mère|grand-père|beau-père|belle-mère|beau-frère|"
    r"belle-sœur|demi-frère|demi-sœur|frère|frères|sœur|sœurs|fils|fille|filles|mère|père|"
    r"maman|papa|cousin|cousine|neveu|nièce|oncle|tante|mari|femme|compagnon|compagne|"
    r"bébé|enfant|enfants|aîné|aînée|cadet|cadette|jumeau|jumelle|jumeaux|jumelles|"
    r"parents|grands-parents|dernier|dernière|plus jeune|petits)"
)

#: nouns after which a capitalised word names a place or a structure, not a person
#: (« collège Jean-Moulin », « école Pasteur », « rue Jean-Jaurès »)
PLACE_NOUNS = _words(
    """
    agglomération allée apprentis association avenue bibliothèque boulevard centre chemin
    cinéma cité clinique club collectif collège collèges commissariat commune communes
    compagnie contrat crèche dispositif département ensemble espace et femmes fondation
    foyer gare gymnase hôpital hôtel impasse institut jeunesse loisirs loups ludothèque
    lycée lycées mairie maison maternelle médiathèque parc paroles piscine place programme
    projet préfecture quai quartier quartiers route rue résidence salle secteur social
    sociale solidaires square stade théâtre tour tremplin tribunal université ville villes
    école écoles élémentaire
    """
)

#: small words skipped when looking for the noun before a capitalised word
#: (« la ludothèque des Tarterêts »: the noun is « ludothèque »)
LINK_WORDS = _words(
    """
    au aux d de des du en l la le les à
    """
)

#: capitalised words that open sentences or name institutions, months, dispositifs…
COMMON_CAPITALISED = _words(
    """
    toussaint noël pâques pentecôte ramadan aïd carnaval rentrée circonscription académie
    rectorat inspection éducation nationale
    adolescents adresse aemo améliorer août après ase assistante association atelier
    ateliers au aux avant avec avril bailleur beaucoup brigade caf car ccas ce cef centre
    certaines certains ces cet cette chaque chez cio cité clas classe club cmp cmpp
    collectif collège collégiens comité commissariat conseil conseillère contact contrat
    coordinatrice coordonnateur crèche créer d dans de depuis des devoirs difficulté
    dimanche directeur directrice dispositif donc du décembre défenseur délégué département
    elle elles en enfants entre epm et evaluer famille familles fcpe fondation former foyer
    février groupe guide hôtel identifier il ils ime infirmière inscriptions janvier jeudi
    jeunes juge juillet juin l la le les ludothèque lundi lycée lycéens madame mai mais
    maison manque mardi mars mdph mercredi mettre mineurs mise mission mme mobiliser moins
    monsieur mutualiser médiateurs médiathèque ni nous novembre numéro octobre on organiser
    ou ouvrir paej par parents partager pendant permanence peu pjj plus plusieurs pmi point
    pour pre principal principale professeurs programme projet proposer protection
    préfecture préfet présenter prévoir psychologue qpv quand quartier reaap recenser relais
    rencontre rendez-vous renforcer renseignements rep référente réseau réunion samedi sans
    secours sensibiliser septembre service si sortie sous standard sur tous toutes
    travailler tribunal uema ulis un une vacances vendredi vers ville vous à école écrire
    éducateurs éducation éducatrice élèves épicerie équipe évaluer
    """
)

#: what a sentence about one child or one family says: situations of health, justice,
#: placement, school, family life (lower case, matched as words or word beginnings)
SITUATION = (
    r"(?:suivie?s?|placée?s?|placement|confiée?s?|hospitalisée?|hospitalisation|enceinte|"
    r"exclue?s?|exclusion|fugu|déscolaris|décroch|incarcér|détention|prison|garde à vue|"
    r"interpellé|condamné|mesure|juge|signal|information préoccupante|maltrai|violen|frapp|"
    r"battu|harcel|racket|attouchement|abus|suicide|scarifi|dépressi|anorexi|troubles?|"
    r"autis|tdah|diagnostiqu|épilep|diabét|handicap|malade|maladie|soins|traitement|"
    r"drépanocyt|obésité|allergi|vaccin|bégaie|énurésie|orthophon|psychiatr|psycholog|"
    r"expulsé|hébergée?s?|dort|vit|vivent|habite|sans titre|sans papiers|oqtf|séjour|"
    r"mariée?|divorce|séparation|décès|mort|tué|alcool|boit|drogue|cannabis|trafi|"
    r"consomm|dealer|guetteur|vol[ée]?s?\b|menac|bagarre|rixe|redoubl|absente?s?|absentéisme|"
    r"arrive|ne parle|ne sait|ne mange|ne dort|ne vient|refuse|pleure|seule?s?\b|"
    r"aese?h|pai\b|ulis|ime\b|itep|cmpp?\b|mdph|aemo|ase\b|pjj|cef\b|epm|tig\b|curatelle|"
    r"tutelle|rsa\b|chômage|emploi|logement|squat|115|hôtel|caravane|voiture|mendi)"
)
