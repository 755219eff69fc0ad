"""Ready queries for the query page: the questions partners ask of the graph.

The text is a template: ``{base}`` becomes the public base URL, so each query
shows the IRIs partners will see and works when copied to another client.
"""

from __future__ import annotations

from dataclasses import dataclass

_PREFIXES = """PREFIX rim: <{base}ontology#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
"""


@dataclass(frozen=True)
class Example:
    """One ready query, titled in French and English."""

    slug: str
    title_fr: str
    title_en: str
    template: str

    def title(self, lang: str) -> str:
        return self.title_fr if lang == "fr" else self.title_en

    def query(self, base_url: str) -> str:
        return (_PREFIXES + "\n" + self.template).replace("{base}", base_url)


EXAMPLES: tuple[Example, ...] = (
    Example(
        "ir-centres",
        "Centres proposant la radiologie interventionnelle",
        "Centres offering interventional radiology",
        """SELECT ?centre ?name ?town WHERE {
  ?centre schema:medicalSpecialty <{base}id/specialty/interventional-radiology> ;
          schema:name ?name .
  OPTIONAL { ?centre schema:location/schema:name ?town }
}
ORDER BY ?town ?name""",
    ),
    Example(
        "sampling-modalities",
        "Techniques d’imagerie utilisées pour guider les prélèvements",
        "Imaging modalities used for image-guided sampling",
        """SELECT DISTINCT ?modality ?label WHERE {
  ?aspect rim:comprisesProcedure <{base}id/procedure/image-guided-sampling> ;
          rim:imageGuidedBy ?modality .
  ?modality skos:prefLabel ?label .
  FILTER (lang(?label) = "fr")
}
ORDER BY ?label""",
    ),
    Example(
        "specialty-hierarchy",
        "La hiérarchie des spécialités (chemin de propriétés)",
        "The specialty hierarchy (property path)",
        """SELECT ?specialty ?label ?broader WHERE {
  ?specialty skos:broader* <{base}id/specialty/radiology> ;
             skos:prefLabel ?label .
  OPTIONAL { ?specialty skos:broader ?broader }
  FILTER (lang(?label) = "fr")
}
ORDER BY ?broader ?label""",
    ),
    Example(
        "fact-sources",
        "D’où vient chaque fait : source et citation exacte",
        "Where each fact comes from: source and exact quote",
        """SELECT ?fact ?subject ?predicate ?object ?source ?quote WHERE {
  ?fact a rim:Fact ;
        rdf:subject ?subject ;
        rdf:predicate ?predicate ;
        rdf:object ?object ;
        prov:wasDerivedFrom ?source ;
        oa:hasSelector/oa:exact ?quote .
}
ORDER BY ?fact
LIMIT 100""",
    ),
    Example(
        "national-statistic",
        "La statistique nationale : actes de radiologie par an",
        "The national statistic: radiology acts per year",
        """SELECT ?value ?approximate ?about ?modality WHERE {
  <{base}id/statistic/annual-radiology-acts> schema:value ?value ;
      rim:isApproximate ?approximate ;
      schema:observationAbout ?about .
  OPTIONAL { <{base}id/statistic/annual-radiology-acts> rim:coversModality ?modality }
}""",
    ),
    Example(
        "describe-centre",
        "Tout sur le centre de Fréjus (graphe RDF)",
        "Everything about the Fréjus centre (RDF graph)",
        "DESCRIBE <{base}id/centre/frejus>",
    ),
)


def by_slug(slug: str) -> Example | None:
    return next((e for e in EXAMPLES if e.slug == slug), None)
