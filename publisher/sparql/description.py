"""The SPARQL 1.1 Service Description of ``/sparql``: what it speaks and holds.

Built once per data version (it counts each graph's triples) and serialised by
rdflib: it is small and off the hot path.
"""

from __future__ import annotations

import rdflib
from rdflib.namespace import DCTERMS, RDF, RDFS, SH, VOID, XSD

from publisher.config import Settings
from publisher.rdf.formats import RDF as RDF_FORMATS
from publisher.rdf.formats import RESULTS, Format
from publisher.rdf.prefixes import resolve
from publisher.store.base import Store

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = rdflib.Namespace("http://www.w3.org/ns/formats/")
ENTAILMENT_SIMPLE = rdflib.URIRef("http://www.w3.org/ns/entailment/Simple")

#: Each result format's IRI in the W3C formats namespace.
FORMAT_IRIS: dict[str, rdflib.URIRef] = {
    "json": FORMATS.SPARQL_Results_JSON,
    "xml": FORMATS.SPARQL_Results_XML,
    "csv": FORMATS.SPARQL_Results_CSV,
    "tsv": FORMATS.SPARQL_Results_TSV,
    "jsonld": FORMATS["JSON-LD"],
    "ttl": FORMATS.Turtle,
    "nt": FORMATS["N-Triples"],
    "rdf": FORMATS.RDF_XML,
    "trig": FORMATS.TriG,
    "nq": FORMATS["N-Quads"],
}

_COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


def endpoint_iri(settings: Settings) -> str:
    return f"{settings.base_url}sparql"


def describe_service(settings: Settings, store: Store) -> rdflib.Graph:
    """The service description graph, with the dataset's graphs and their sizes."""
    graph = rdflib.Graph()
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    graph.bind("dcterms", DCTERMS)
    endpoint = rdflib.URIRef(endpoint_iri(settings))
    service = rdflib.URIRef(f"{endpoint}#service")
    dataset = rdflib.URIRef(f"{endpoint}#dataset")
    add = graph.add
    add((service, RDF.type, SD.Service))
    add((service, SD.endpoint, endpoint))
    add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for fmt in (*RESULTS, *RDF_FORMATS):
        add((service, SD.resultFormat, FORMAT_IRIS[fmt.token]))
    add((service, SD.resultFormat, FORMATS.N3))  # answered with Turtle, which is valid N3
    add((service, SD.feature, SD.UnionDefaultGraph))
    add((service, SD.defaultEntailmentRegime, ENTAILMENT_SIMPLE))
    add((service, DCTERMS.title, rdflib.Literal("Radiology knowledge graph", lang="en")))
    add((service, DCTERMS.title, rdflib.Literal("Graphe de la radiologie", lang="fr")))
    add((service, RDFS.comment, rdflib.Literal(_limits_en(settings), lang="en")))
    add((service, SD.defaultDataset, dataset))
    # The predeclared prefixes, as SHACL declares them (``sh:declare``), which query
    # editors read to offer them.
    graph.bind("sh", SH)
    for prefix, namespace in resolve(settings.base_url).items():
        declaration = rdflib.URIRef(f"{endpoint}#prefix-{prefix}")
        add((service, SH.declare, declaration))
        add((declaration, SH.prefix, rdflib.Literal(prefix)))
        add((declaration, SH.namespace, rdflib.Literal(namespace, datatype=XSD.anyURI)))
    add((dataset, RDF.type, SD.Dataset))
    add((dataset, RDF.type, VOID.Dataset))
    add((dataset, VOID.sparqlEndpoint, endpoint))
    default = rdflib.URIRef(f"{endpoint}#default-graph")
    add((dataset, SD.defaultGraph, default))
    add((default, RDF.type, SD.Graph))
    add((default, RDFS.comment, rdflib.Literal("the union of the named graphs", lang="en")))
    total = 0
    for row in store.select(_COUNTS):
        name, size = row["g"], int(row["n"])  # type: ignore[call-overload]
        total += size
        named = rdflib.URIRef(f"{name}#named-graph")
        content = rdflib.URIRef(f"{name}#graph")
        add((dataset, SD.namedGraph, named))
        add((named, RDF.type, SD.NamedGraph))
        add((named, SD.name, name))
        add((named, SD.graph, content))
        add((content, RDF.type, SD.Graph))
        add((content, VOID.triples, rdflib.Literal(size, datatype=XSD.integer)))
    add((default, VOID.triples, rdflib.Literal(total, datatype=XSD.integer)))
    return graph


def render(graph: rdflib.Graph, fmt: Format) -> bytes:
    """The description in one RDF format (quad formats put it in the default graph)."""
    name = fmt.rdflib_name or fmt.token
    if fmt.quads:
        dataset = rdflib.Dataset()
        for triple in graph:
            dataset.add(triple)
        return dataset.serialize(format=name).encode()
    return graph.serialize(format=name).encode()


def _limits_en(settings: Settings) -> str:
    return (
        f"Read-only SPARQL 1.1 query endpoint. Limits: {settings.query_timeout:g} s per query "
        f"(then 503), {settings.max_query_length} characters per query (then 413), "
        f"{settings.max_result_rows} result rows (a longer result is cut and says so in its "
        "'SPARQL-Results-Cut' header). SERVICE, LOAD and graphs outside the dataset are refused. "
        "The prefixes given by sh:declare are declared for every query; its own PREFIX wins."
    )
