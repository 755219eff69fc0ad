"""What the dataset holds, counted by SPARQL, and its VoID + DCAT description.

:func:`statistics` asks the store; :func:`void_graph` is a pure function of
those numbers, so the description always matches what a SPARQL count says.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDFS, VOID, XSD

from publisher.graph.sources import ROLES, graph_iri
from publisher.queries import iri_term
from publisher.store.base import Store

PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
OWL_VERSION_INFO = "http://www.w3.org/2002/07/owl#versionInfo"
DCAT3_VERSION = URIRef("http://www.w3.org/ns/dcat#version")  # DCAT 3; rdflib knows DCAT 2

#: The dump files: name → (media type, format token).
DUMPS: dict[str, tuple[str, str]] = {
    "dataset.nq": ("application/n-quads", "nq"),
    "dataset.ttl": ("text/turtle", "ttl"),
    "dataset.jsonld": ("application/ld+json", "jsonld"),
}

#: W3C format IRIs of what every resource document is served in (``void:feature``).
FEATURES = tuple(
    URIRef(f"http://www.w3.org/ns/formats/{name}")
    for name in ("JSON-LD", "Turtle", "N-Triples", "RDF_XML", "TriG", "N-Quads")
)

TITLES = {
    "fr": "Graphe de connaissances de la radiologie interventionnelle",
    "en": "Interventional radiology knowledge graph",
}
DESCRIPTIONS = {
    "fr": "Faits sourcés tirés de la page « Qu’est-ce-que la radiologie interventionnelle ? » "
    "de Var Imagerie Médicale : spécialités, versants, techniques d’imagerie, centres.",
    "en": "Sourced facts from the page “Qu’est-ce-que la radiologie interventionnelle ?” of "
    "Var Imagerie Médicale: specialties, aspects, imaging modalities, centres.",
}


@dataclass(frozen=True)
class Statistics:
    """Counts over the whole store (all named graphs) and per graph."""

    triples: int
    entities: int
    classes: int
    properties: int
    distinct_subjects: int
    distinct_objects: int
    class_counts: dict[str, int] = field(default_factory=dict)
    graph_triples: dict[str, int] = field(default_factory=dict)
    examples: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    vocabularies: tuple[str, ...] = ()
    ontology_version: str | None = None


def _number(store: Store, query: str) -> int:
    rows = store.select(query)
    return int(rows[0]["n"]) if rows and "n" in rows[0] else 0  # type: ignore[call-overload]


def entity_filter(base_url: str, variable: str = "?s") -> str:
    """A SPARQL FILTER keeping the project's own identifiers (``{base}id/...``)."""
    prefix = f"{base_url}id/".replace("\\", "\\\\").replace('"', '\\"')
    return f'FILTER(isIRI({variable}) && STRSTARTS(STR({variable}), "{prefix}"))'


def statistics(store: Store, base_url: str) -> Statistics:
    """Count what the store holds; every number is one SPARQL query away."""
    entities = entity_filter(base_url)
    class_counts = {
        str(row["c"]): int(row["n"])  # type: ignore[call-overload]
        for row in store.select(
            "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c"
        )
    }
    graph_triples = {
        str(row["g"]): int(row["n"])  # type: ignore[call-overload]
        for row in store.select(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
        )
    }
    examples = store.select(
        f"SELECT ?c (MIN(STR(?s)) AS ?e) WHERE {{ ?s a ?c {entities} }} GROUP BY ?c ORDER BY ?c"
    )
    sources = store.select(
        f"SELECT DISTINCT ?d WHERE {{ ?f {iri_term(PROV_DERIVED)} ?d }} ORDER BY ?d"
    )
    vocabularies = store.select("SELECT DISTINCT ?p WHERE { ?s ?p ?o }")
    version = store.select(
        f"SELECT ?v WHERE {{ GRAPH {iri_term(graph_iri(base_url, 'ontology'))} "
        f"{{ ?o {iri_term(OWL_VERSION_INFO)} ?v }} }} LIMIT 1"
    )
    return Statistics(
        triples=_number(store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"),
        entities=_number(
            store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o {entities} }}"
        ),
        classes=len(class_counts),
        properties=_number(store, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }"),
        distinct_subjects=_number(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"),
        distinct_objects=_number(store, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"),
        class_counts=class_counts,
        graph_triples=graph_triples,
        examples=tuple(sorted({str(row["e"]) for row in examples if "e" in row})),
        sources=tuple(str(row["d"]) for row in sources),
        vocabularies=tuple(sorted({_namespace(str(row["p"])) for row in vocabularies})),
        ontology_version=str(version[0]["v"]) if version else None,
    )


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def void_graph(stats: Statistics, base_url: str, license_url: str, version: str) -> Graph:
    """The VoID + DCAT description of the dataset, with the numbers in ``stats``."""
    g = Graph()
    g.bind("void", VOID)
    g.bind("dcat", DCAT)
    g.bind("dcterms", DCTERMS)
    g.bind("foaf", FOAF)
    dataset = URIRef(f"{base_url}.well-known/void#dataset")
    sparql = URIRef(f"{base_url}sparql")
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, RDF.type, DCAT.Dataset))
    for lang in ("fr", "en"):
        g.add((dataset, DCTERMS.title, Literal(TITLES[lang], lang=lang)))
        g.add((dataset, DCTERMS.description, Literal(DESCRIPTIONS[lang], lang=lang)))
    g.add((dataset, DCTERMS.license, URIRef(license_url)))
    g.add((dataset, DCTERMS.language, URIRef("http://id.loc.gov/vocabulary/iso639-1/fr")))
    g.add((dataset, FOAF.homepage, URIRef(base_url)))
    g.add((dataset, DCAT.landingPage, URIRef(base_url)))
    g.add((dataset, DCAT3_VERSION, Literal(stats.ontology_version or version)))
    g.add((dataset, DCTERMS.identifier, Literal(version)))
    for source in stats.sources:
        g.add((dataset, DCTERMS.source, URIRef(source)))
    g.add((dataset, VOID.sparqlEndpoint, sparql))
    g.add((dataset, VOID.uriSpace, Literal(f"{base_url}id/")))
    for feature in FEATURES:
        g.add((dataset, VOID.feature, feature))
    g.add((dataset, VOID.rootResource, URIRef(base_url)))
    for example in stats.examples:
        g.add((dataset, VOID.exampleResource, URIRef(example)))
    for vocabulary in stats.vocabularies:
        if vocabulary.startswith(("http://", "https://")):
            g.add((dataset, VOID.vocabulary, URIRef(vocabulary)))
    counts = (
        (VOID.triples, stats.triples),
        (VOID.entities, stats.entities),
        (VOID.classes, stats.classes),
        (VOID.properties, stats.properties),
        (VOID.distinctSubjects, stats.distinct_subjects),
        (VOID.distinctObjects, stats.distinct_objects),
    )
    for predicate, value in counts:
        g.add((dataset, predicate, Literal(value, datatype=XSD.integer)))
    _add_partitions(g, dataset, stats, base_url)
    _add_distributions(g, dataset, base_url, license_url)
    return g


def _add_partitions(g: Graph, dataset: URIRef, stats: Statistics, base_url: str) -> None:
    """One class partition per class, one subset per role graph, with their counts."""
    for class_iri, count in stats.class_counts.items():
        partition = BNode()
        g.add((dataset, VOID.classPartition, partition))
        g.add((partition, VOID["class"], URIRef(class_iri)))
        g.add((partition, VOID.entities, Literal(count, datatype=XSD.integer)))
    for role in ROLES:
        name = graph_iri(base_url, role)
        if name in stats.graph_triples:
            subset = URIRef(f"{base_url}.well-known/void#{role}")
            g.add((dataset, VOID.subset, subset))
            g.add((subset, RDF.type, VOID.Dataset))
            g.add((subset, RDFS.label, Literal(f"graph/{role}")))
            g.add((subset, DCTERMS.identifier, URIRef(name)))
            g.add((subset, VOID.triples, Literal(stats.graph_triples[name], datatype=XSD.integer)))


def _add_distributions(g: Graph, dataset: URIRef, base_url: str, license_url: str) -> None:
    """The dumps and the SPARQL endpoint as DCAT distributions of ``dataset``."""
    sparql = URIRef(f"{base_url}sparql")
    for name, (media_type, _) in DUMPS.items():
        url = URIRef(f"{base_url}dumps/{name}")
        g.add((dataset, VOID.dataDump, url))
        distribution = URIRef(f"{base_url}.well-known/void#dump-{name.rsplit('.', 1)[1]}")
        g.add((dataset, DCAT.distribution, distribution))
        g.add((distribution, RDF.type, DCAT.Distribution))
        g.add((distribution, DCAT.downloadURL, url))
        g.add(
            (
                distribution,
                DCAT.mediaType,
                URIRef(f"https://www.iana.org/assignments/media-types/{media_type}"),
            )
        )
        g.add((distribution, DCTERMS.license, URIRef(license_url)))
    service = URIRef(f"{base_url}.well-known/void#sparql")
    endpoint = URIRef(f"{base_url}.well-known/void#sparql-distribution")
    g.add((dataset, DCAT.distribution, endpoint))
    g.add((endpoint, RDF.type, DCAT.Distribution))
    g.add((endpoint, DCAT.accessService, service))
    g.add((endpoint, DCAT.accessURL, sparql))
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCAT.endpointURL, sparql))
    g.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((service, DCAT.servesDataset, dataset))


def entities_by_class(store: Store, base_url: str, limit: int = 100_000) -> dict[str, list[str]]:
    """The project's entities grouped by class: the ontology's own classes, and other
    classes only for entities that have none of the ontology's (so each shows once)."""
    rows = store.select(
        f"SELECT ?s ?c WHERE {{ ?s a ?c {entity_filter(base_url)} }} ORDER BY ?s ?c LIMIT {limit}"
    )
    own = f"{base_url}ontology#"
    types: dict[str, list[str]] = {}
    for row in rows:
        types.setdefault(str(row["s"]), []).append(str(row["c"]))
    grouped: dict[str, list[str]] = {}
    for entity, classes in types.items():
        chosen = [c for c in classes if c.startswith(own)] or classes
        for class_iri in chosen:
            grouped.setdefault(class_iri, []).append(entity)
    return grouped
