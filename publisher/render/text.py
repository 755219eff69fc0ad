"""The interface's own words in French and English, in one table."""

from __future__ import annotations

from rdflib import URIRef

SCHEMA = "https://schema.org/"
RIM = "ontology#"  # relative to the base URL
_SH = "http://www.w3.org/ns/shacl#"

TEXT: dict[str, dict[str, str]] = {
    "fr": {
        "site": "Graphe de la radiologie interventionnelle",
        "home_intro": (
            "Un graphe de connaissances sur la radiologie interventionnelle, tiré d’une page "
            "du groupe Var Imagerie Médicale (réseau Vidi). Chaque fait est sourcé : la page "
            "d’origine et la phrase citée sont données."
        ),
        "classes": "Ce que contient le graphe",
        "class": "Classe",
        "count": "Nombre",
        "examples": "Exemples",
        "explore": "Explorer",
        "ontology": "Ontologie",
        "shapes": "Formes SHACL",
        "search": "Recherche",
        "sparql": "Point d’accès SPARQL",
        "dumps": "Téléchargements",
        "void": "Description du jeu de données (VoID, DCAT)",
        "api": "API des partenaires",
        "properties": "Propriétés",
        "inverse": "Liens vers cette ressource",
        "sources": "Sources",
        "source": "Source",
        "fact": "fait",
        "inferred": "déduit",
        "observation": "observation éditoriale",
        "premises": "prémisses",
        "quote": "Citation",
        "other_facts": "Autres faits sourcés",
        "notes": "Notes du projet",
        "supports": "Faits qu’elle appuie",
        "formats": "Autres formats",
        "type": "Type",
        "licence": "Licence",
        "identifier": "Identifiant",
        "yes": "oui",
        "no": "non",
        "dumps_intro": "Le jeu de données complet, dans plusieurs formats.",
        "file": "Fichier",
        "format": "Format",
        "size": "Taille",
        "colon": "\u202f:",
        "more": "et {n} de plus : voir la recherche",
        "more_links": "et d’autres liens",
    },
    "en": {
        "site": "Interventional radiology graph",
        "home_intro": (
            "A knowledge graph of interventional radiology, taken from a page of the "
            "Var Imagerie Médicale group (Vidi network). Every fact is sourced: the page "
            "it comes from and the quoted sentence are given."
        ),
        "classes": "What the graph holds",
        "class": "Class",
        "count": "Count",
        "examples": "Examples",
        "explore": "Explore",
        "ontology": "Ontology",
        "shapes": "SHACL shapes",
        "search": "Search",
        "sparql": "SPARQL endpoint",
        "dumps": "Downloads",
        "void": "Dataset description (VoID, DCAT)",
        "api": "Partner API",
        "properties": "Properties",
        "inverse": "Links to this resource",
        "sources": "Sources",
        "source": "Source",
        "fact": "fact",
        "inferred": "inferred",
        "observation": "editorial observation",
        "premises": "premises",
        "quote": "Quote",
        "other_facts": "Other sourced facts",
        "notes": "Project notes",
        "supports": "Facts it supports",
        "formats": "Other formats",
        "type": "Type",
        "licence": "Licence",
        "identifier": "Identifier",
        "yes": "yes",
        "no": "no",
        "dumps_intro": "The whole dataset, in several formats.",
        "file": "File",
        "format": "Format",
        "size": "Size",
        "colon": ":",
        "more": "and {n} more: see search",
        "more_links": "and more links",
    },
}

#: How a link *to* a resource reads from the resource's side, per predicate.
INVERSE: dict[str, dict[str, str]] = {
    SCHEMA + "medicalSpecialty": {"fr": "proposée par", "en": "offered by"},
    SCHEMA + "availableService": {"fr": "proposé par", "en": "offered by"},
    SCHEMA + "parentOrganization": {"fr": "comprend", "en": "includes"},
    SCHEMA + "subOrganization": {"fr": "fait partie de", "en": "part of"},
    SCHEMA + "memberOf": {"fr": "a pour membre", "en": "has member"},
    SCHEMA + "location": {"fr": "lieu de", "en": "location of"},
    SCHEMA + "publisher": {"fr": "a publié", "en": "publisher of"},
    SCHEMA + "creator": {"fr": "a créé", "en": "creator of"},
    SCHEMA + "author": {"fr": "auteur de", "en": "author of"},
    SCHEMA + "about": {"fr": "sujet de", "en": "subject of"},
    SCHEMA + "video": {"fr": "vidéo citée par", "en": "video in"},
    SCHEMA + "citation": {"fr": "cité par", "en": "cited by"},
    SCHEMA + "observationAbout": {"fr": "objet de la statistique", "en": "subject of statistic"},
    "http://www.w3.org/2004/02/skos/core#hasTopConcept": {
        "fr": "concept de tête de",
        "en": "top concept of",
    },
    "http://www.w3.org/2004/02/skos/core#topConceptOf": {
        "fr": "a pour concept de tête",
        "en": "has top concept",
    },
    "http://www.w3.org/2004/02/skos/core#inScheme": {"fr": "comprend", "en": "contains"},
    "http://www.w3.org/2004/02/skos/core#broader": {"fr": "terme spécifique", "en": "narrower"},
    "http://www.w3.org/2004/02/skos/core#narrower": {"fr": "terme générique", "en": "broader"},
    "http://www.w3.org/ns/prov#wasDerivedFrom": {"fr": "source de", "en": "source of"},
    "http://www.w3.org/ns/prov#used": {"fr": "utilisé par", "en": "used by"},
    RIM + "hasAspect": {"fr": "versant de", "en": "aspect of"},
    _SH + "hasValue": {"fr": "valeur exigée par la forme", "en": "value required by shape"},
    _SH + "targetNode": {"fr": "ciblé par la forme", "en": "target of shape"},
    RIM + "aspectOf": {"fr": "a pour versant", "en": "has aspect"},
    RIM + "comprisesProcedure": {"fr": "fait partie de", "en": "part of"},
    RIM + "mainSubSpecialtyOf": {"fr": "a pour spécialité principale", "en": "main specialty"},
    RIM + "imageGuidedBy": {"fr": "guide", "en": "guides"},
    RIM + "coversModality": {"fr": "comptée dans", "en": "counted in"},
    RIM + "coversSettingType": {"fr": "comptée dans", "en": "counted in"},
    RIM + "mayReplace": {"fr": "peut être remplacé par", "en": "may be replaced by"},
    RIM + "mayComplement": {"fr": "peut être complété par", "en": "may be complemented by"},
}


#: How a predicate reads between a fact's subject and object, where its label
#: is a noun ("parent organisation") rather than a verb: (fr, en).
VERBS: dict[str, tuple[str, str]] = {
    SCHEMA + "parentOrganization": ("appartient à", "belongs to"),
    SCHEMA + "location": ("se trouve à", "is located in"),
    SCHEMA + "medicalSpecialty": ("propose", "offers"),
    SCHEMA + "memberOf": ("est membre de", "is a member of"),
    SCHEMA + "creator": ("a pour créateur", "was created by"),
    SCHEMA + "author": ("a pour auteur", "was written by"),
    SCHEMA + "publisher": ("est publié par", "is published by"),
    SCHEMA + "about": ("porte sur", "is about"),
    SCHEMA + "video": ("cite la vidéo", "cites the video"),
    SCHEMA + "citation": ("cite", "cites"),
    SCHEMA + "observationAbout": ("porte sur", "is about"),
    SCHEMA + "measuredProperty": ("mesure", "measures"),
    SCHEMA + "name": ("a pour nom", "is named"),
    SCHEMA + "inLanguage": ("est en langue", "is in language"),
    SCHEMA + "value": ("a pour valeur", "has the value"),
    SCHEMA + "text": ("a pour texte", "has the text"),
    "http://www.w3.org/2004/02/skos/core#definition": ("a pour définition", "is defined as"),
}


def statement_verb(predicate: str, lang: str) -> str | None:
    """How ``predicate`` reads in a sentence, if its label would not.

    >>> statement_verb(SCHEMA + "parentOrganization", "fr")
    'appartient à'
    """
    known = VERBS.get(predicate)
    return (known[0] if lang == "fr" else known[1]) if known else None


def inverse_label(predicate: URIRef, forward: str, base_url: str, lang: str) -> str:
    """How ``?x predicate this`` reads on this page, e.g. "offered by".

    >>> inverse_label(URIRef(SCHEMA + "medicalSpecialty"), "specialty", "http://h/", "en")
    'offered by'
    >>> inverse_label(URIRef("http://h/ontology#treats"), "treats", "http://h/", "en")
    'inverse of “treats”'
    """
    key = str(predicate)
    if key.startswith(base_url):
        key = key[len(base_url) :]
    known = INVERSE.get(key)
    if known:
        return known[lang]
    return f"inverse de « {forward} »" if lang == "fr" else f"inverse of “{forward}”"


_SKOS = "http://www.w3.org/2004/02/skos/core#"
_PROV = "http://www.w3.org/ns/prov#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"

#: Labels of common outside terms the store does not label itself: (fr, en).
TERMS: dict[str, tuple[str, str]] = {
    SCHEMA + "name": ("nom", "name"),
    SCHEMA + "alternateName": ("autre nom", "alternate name"),
    SCHEMA + "description": ("description", "description"),
    SCHEMA + "location": ("lieu", "location"),
    SCHEMA + "medicalSpecialty": ("spécialité médicale", "medical specialty"),
    SCHEMA + "parentOrganization": ("organisation parente", "parent organisation"),
    SCHEMA + "subOrganization": ("sous-organisation", "sub-organisation"),
    SCHEMA + "memberOf": ("membre de", "member of"),
    SCHEMA + "availableService": ("service proposé", "available service"),
    SCHEMA + "publisher": ("éditeur", "publisher"),
    SCHEMA + "creator": ("créateur", "creator"),
    SCHEMA + "author": ("auteur", "author"),
    SCHEMA + "about": ("sujet", "about"),
    SCHEMA + "video": ("vidéo", "video"),
    SCHEMA + "citation": ("citation", "citation"),
    SCHEMA + "inLanguage": ("langue", "language"),
    SCHEMA + "text": ("texte", "text"),
    SCHEMA + "value": ("valeur", "value"),
    SCHEMA + "measuredProperty": ("grandeur mesurée", "measured property"),
    SCHEMA + "observationAbout": ("objet de l’observation", "observation about"),
    SCHEMA + "relevantSpecialty": ("spécialité concernée", "relevant specialty"),
    _SKOS + "prefLabel": ("libellé préféré", "preferred label"),
    _SKOS + "altLabel": ("autre libellé", "alternative label"),
    _SKOS + "definition": ("définition", "definition"),
    _SKOS + "note": ("note", "note"),
    _SKOS + "scopeNote": ("note d’application", "scope note"),
    _SKOS + "editorialNote": ("note éditoriale", "editorial note"),
    _SKOS + "inScheme": ("dans le schéma", "in scheme"),
    _SKOS + "topConceptOf": ("concept de tête de", "top concept of"),
    _SKOS + "hasTopConcept": ("concept de tête", "top concept"),
    _SKOS + "broader": ("terme générique", "broader"),
    _SKOS + "narrower": ("terme spécifique", "narrower"),
    _SKOS + "exactMatch": ("correspondance exacte", "exact match"),
    _SKOS + "closeMatch": ("correspondance proche", "close match"),
    _SKOS + "broadMatch": ("correspondance plus générale", "broader match"),
    _SKOS + "Concept": ("concept", "concept"),
    _SKOS + "ConceptScheme": ("schéma de concepts", "concept scheme"),
    _RDFS + "label": ("libellé", "label"),
    _PROV + "wasDerivedFrom": ("dérivé de", "derived from"),
    _PROV + "wasGeneratedBy": ("généré par", "generated by"),
    _PROV + "wasQuotedFrom": ("cité de", "quoted from"),
    _PROV + "used": ("a utilisé", "used"),
    _PROV + "Entity": ("entité (PROV)", "entity (PROV)"),
    _PROV + "Activity": ("activité (PROV)", "activity (PROV)"),
    "http://www.w3.org/ns/oa#hasSelector": ("sélecteur", "selector"),
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#subject": ("sujet", "subject"),
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate": ("prédicat", "predicate"),
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#object": ("objet", "object"),
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement": ("énoncé", "statement"),
}


def humanize(name: str) -> str:
    """``medicalSpecialty`` → ``medical specialty``, for terms nobody labelled.

    >>> humanize("medicalSpecialty"), humanize("CT")
    ('medical specialty', 'CT')
    """
    words, current = [], ""
    for index, char in enumerate(name):
        boundary = char.isupper() and index and not name[index - 1].isupper()
        if boundary:
            words.append(current)
            current = ""
        current += char
    words.append(current)
    return " ".join(w if w.isupper() else w.lower() for w in words if w)


def term_label(iri: str, lang: str) -> str | None:
    """The built-in label of an outside term, if there is one."""
    known = TERMS.get(iri)
    return (known[0] if lang == "fr" else known[1]) if known else None
