"""The benchmark's fixed mix of structured-search queries, over the generated graph.

Each is what a partner's search page asks; none uses ``FILTER EXISTS`` (Oxigraph
evaluates it poorly at scale; a join with ``DISTINCT`` asks the same).
"""

from __future__ import annotations

PREFIXES = """PREFIX rim: <{base}ontology#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""

#: name → query template (``{base}`` is the graph's base URL).
MIX: dict[str, str] = {
    "modality-in-town": """SELECT ?centre ?name WHERE {
  ?centre rim:usesModality <{base}id/modality/ct> ;
          schema:location <{base}id/town/t-3> ;
          schema:name ?name .
} ORDER BY ?name""",
    "count-per-modality": """SELECT ?modality (COUNT(DISTINCT ?centre) AS ?centres) WHERE {
  ?centre a rim:ImagingCentre ; rim:usesModality ?modality .
} GROUP BY ?modality ORDER BY DESC(?centres)""",
    "procedures-of-aspect-by-modality": """SELECT DISTINCT ?procedure ?label WHERE {
  <{base}id/aspect/diagnostic> rim:comprisesProcedure ?procedure .
  ?procedure rim:imageGuidedBy <{base}id/modality/ultrasound> ; rdfs:label ?label .
  FILTER (lang(?label) = "fr")
} ORDER BY ?label""",
    "centre-description": """CONSTRUCT { <{base}id/centre/c-7> ?p ?o } WHERE {
  <{base}id/centre/c-7> ?p ?o
}""",
    "label-search": """SELECT ?centre ?name WHERE {
  ?centre skos:hiddenLabel ?key ; schema:name ?name .
  FILTER (CONTAINS(?key, "frejus"))
} ORDER BY ?name LIMIT 20""",
    "network-both-aspects": """SELECT DISTINCT ?centre WHERE {
  ?centre schema:parentOrganization/schema:memberOf <{base}id/network/n-0> ;
          schema:availableService <{base}id/aspect/therapeutic> ,
                                  <{base}id/aspect/diagnostic> .
}""",
    "specialty-hierarchy": """SELECT ?specialty ?label (COUNT(?centre) AS ?centres) WHERE {
  ?specialty skos:broader* <{base}id/specialty/radiology> ; skos:prefLabel ?label .
  FILTER (lang(?label) = "fr")
  OPTIONAL { ?centre schema:medicalSpecialty ?specialty }
} GROUP BY ?specialty ?label ORDER BY ?label""",
    "paged-listing": """SELECT ?centre ?name WHERE {
  ?centre a rim:ImagingCentre ; schema:name ?name .
} ORDER BY ?name ?centre LIMIT 20 OFFSET 60""",
}

#: The queries the rdflib target (at least 20x slower) is about.
RDFLIB_TARGETS = ("count-per-modality", "label-search", "paged-listing")


def queries(base: str) -> dict[str, str]:
    """The mix with ``base`` filled in."""
    return {name: (PREFIXES + body).replace("{base}", base) for name, body in MIX.items()}
