"""One resource graph in any RDF format, with readable prefixes.

Triple formats carry the graph as it is; quad formats (TriG, N-Quads) put it in
one named graph, the document's own URL, so all formats hold the same triples.
"""

from __future__ import annotations

from rdflib import Dataset, Graph, URIRef

from publisher.rdf.formats import Format

#: Prefixes bound in every serialisation (the project's own are added per base URL).
PREFIXES: dict[str, str] = {
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "sh": "http://www.w3.org/ns/shacl#",
}


def prefixes(base_url: str) -> dict[str, str]:
    """The common prefixes plus the project's ``rim:`` ontology namespace."""
    return {"rim": f"{base_url}ontology#", **PREFIXES}


def serialize(graph: Graph, fmt: Format, base_url: str, graph_name: str) -> bytes:
    """``graph`` as bytes in ``fmt``; quad formats put it in the graph ``graph_name``.

    >>> from publisher.rdf.formats import by_token
    >>> g = Graph().parse(data="<http://x/a> <http://x/b> <http://x/c> .", format="nt")
    >>> serialize(g, by_token("nq"), "http://x/", "http://x/doc").decode().strip()
    '<http://x/a> <http://x/b> <http://x/c> <http://x/doc> .'
    """
    assert fmt.rdflib_name is not None, f"{fmt.token} is not an RDF format"
    namespaces = prefixes(base_url)
    if fmt.quads:
        dataset = Dataset()
        named = dataset.graph(URIRef(graph_name))
        for triple in graph:
            named.add(triple)
        target: Graph = dataset
    else:
        target = Graph()
        for triple in graph:
            target.add(triple)
    for prefix, namespace in namespaces.items():
        target.bind(prefix, namespace, replace=True)
    if fmt.token == "jsonld":
        context = {prefix: namespace for prefix, namespace in namespaces.items()}
        return target.serialize(format="json-ld", context=context, encoding="utf-8")
    return target.serialize(format=fmt.rdflib_name, encoding="utf-8")
