"""Ready queries for the query page: the questions partners ask of the graph.

The text is a template: ``{base}`` becomes the public base URL, so each query
shows the IRIs partners will see and works when copied to another client.
"""

from __future__ import annotations

from dataclasses import dataclass

from publisher.rdf.prefixes import subset

#: The prefixes every example may use, declared in its text so it runs anywhere.
_PREFIXES = {"rim": "{base}ontology#", **subset("schema", "skos", "rdf", "rdfs", "prov", "oa")}
_DECLARATIONS = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in _PREFIXES.items())


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
        return (_DECLARATIONS + "\n" + self.template).replace("{base}", base_url)


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
