"""One resource graph in any RDF format, with readable prefixes.

Triple formats carry the graph as it is; quad formats (TriG, N-Quads) put it in
one named graph, the document's own URL, so all formats hold the same triples.
"""

from __future__ import annotations

from rdflib import Dataset, Graph, URIRef

from publisher.rdf.formats import Format
from publisher.rdf.prefixes import COMMON, project, subset


def prefixes(base_url: str) -> dict[str, str]:
    """The common prefixes plus the project's ``rim:`` ontology namespace."""
    return {"rim": project(base_url)["rim"], **subset(*COMMON)}


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
