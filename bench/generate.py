"""Generate a synthetic radiology graph of any size, seeded, that passes our shapes.

Centres sit in towns, belong to groups that are members of networks, offer
specialties (a tree under radiology), procedure aspects and imaging modalities.
Every statement about an entity is reified by a sourced ``rim:Fact`` (as the
shapes require), so a centre costs about 80 triples: its own dozen, the rest
provenance. The output is N-Triples with absolute IRIs under ``--base``,
readable by every engine the benchmark compares.

    python bench/generate.py --triples 100000 --base http://127.0.0.1:8080/ -o /tmp/g.nt
"""

from __future__ import annotations

import argparse
import random
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "https://schema.org/"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
XSD = "http://www.w3.org/2001/XMLSchema#"

MODALITIES = {
    "radiography": ("radiographie", "radiography"),
    "ultrasound": ("échographie", "ultrasound"),
    "ct": ("scanner", "computed tomography"),
    "mri": ("IRM", "MRI"),
    "angiography": ("angiographie", "angiography"),
}
ASPECTS = {
    "therapeutic": ("versant thérapeutique", "therapeutic aspect", "TherapeuticAspect"),
    "diagnostic": ("versant diagnostique", "diagnostic aspect", "DiagnosticAspect"),
}
TOWN_ROOTS = (
    "Fréjus",
    "Sérignan",
    "Bézier",
    "Grâce",
    "Évenos",
    "Hyères",
    "Cérès",
    "Brûlon",
    "Noël",
    "Château",
    "Pérouges",
    "Arçon",
    "Lérins",
    "Agay",
    "Cannes",
    "Tourves",
)
TOWN_PREFIXES = ("", "Saint-", "Sainte-", "Val-d’", "Mont-", "Bourg-", "Les ", "Le Puy-")
SUBSPECIALTY_ROOTS = (
    ("ostéo-articulaire", "musculoskeletal"),
    ("neuroradiologie", "neuroradiology"),
    ("vasculaire", "vascular"),
    ("oncologique", "oncologic"),
    ("pédiatrique", "paediatric"),
    ("mammaire", "breast"),
    ("thoracique", "thoracic"),
    ("digestive", "digestive"),
)
#: Triples a centre costs on average (its own, its facts, its share of the rest).
TRIPLES_PER_CENTRE = 82


def fold(text: str) -> str:
    """Lower case without accents: the search key kept as ``skos:hiddenLabel``."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("’", "'")


def literal(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    if lang:
        return f'"{escaped}"@{lang}'
    if datatype:
        return f'"{escaped}"^^<{datatype}>'
    return f'"{escaped}"'


def superclasses(ontology: list[Path], base: str) -> dict[str, set[str]]:
    """Every class's declared super-classes (transitively), from the ontology files.

    The shapes check typing without inference, so each instance carries them all.
    """
    import pyoxigraph as ox

    store = ox.Store()
    for path in ontology:
        for file in sorted(path.rglob("*.ttl")) if path.is_dir() else [path]:
            store.load(path=str(file), format=ox.RdfFormat.TURTLE, base_iri=base)
    closure: dict[str, set[str]] = {}
    query = (
        "SELECT ?c ?super WHERE { ?c <http://www.w3.org/2000/01/rdf-schema#subClassOf>+ ?super "
        "FILTER (isIRI(?c) && isIRI(?super)) }"
    )
    for row in store.query(query, use_default_graph_as_union=True):  # type: ignore[union-attr]
        closure.setdefault(row["c"].value, set()).add(row["super"].value)
    return closure


class Graph:
    """Writes triples as N-Triples lines, with a rim:Fact for every statement."""

    def __init__(self, base: str, closure: dict[str, set[str]] | None = None) -> None:
        self.base = base
        self.closure = closure or {}
        self.rim = base + "ontology#"
        self.lines: list[str] = []
        self.facts = 0
        self.source = self.iri("document", "synthetic-registry")
        self.activity = self.iri("activity", "synthetic-generation")

    def iri(self, kind: str, slug: str) -> str:
        return f"<{self.base}id/{kind}/{slug}>"

    def add(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} <{p}> {o} .\n")

    def typed(self, s: str, *classes: str) -> None:
        every = set(classes)
        for cls in classes:
            every |= self.closure.get(cls, set())
        for cls in sorted(every):
            self.add(s, RDF + "type", f"<{cls}>")

    def labelled(self, s: str, fr: str, en: str, *predicates: str) -> None:
        for predicate in predicates:
            self.add(s, predicate, literal(fr, "fr"))
            self.add(s, predicate, literal(en, "en"))

    def state(self, s: str, p: str, o: str, selector: str) -> None:
        """Assert a triple and reify it as a sourced fact quoting ``selector``'s text."""
        self.add(s, p, o)
        self.facts += 1
        fact = self.iri("fact", f"syn-{self.facts}")
        self.typed(fact, self.rim + "Fact", RDF + "Statement")
        self.add(fact, RDF + "subject", s)
        self.add(fact, RDF + "predicate", f"<{p}>")
        self.add(fact, RDF + "object", o)
        self.add(fact, PROV + "wasDerivedFrom", self.source)
        self.add(fact, PROV + "wasGeneratedBy", self.activity)
        self.add(fact, OA + "hasSelector", selector)

    def selector(self, key: str, quote: str) -> str:
        node = f"_:sel-{key}"
        self.typed(node, OA + "TextQuoteSelector")
        self.add(node, OA + "exact", literal(quote))
        return node


def generate(
    target_triples: int,
    base: str,
    seed: int = 42,
    closure: dict[str, set[str]] | None = None,
) -> Iterator[str]:
    """N-Triples lines for about ``target_triples`` triples; the same seed gives the same graph.

    :param closure: super-classes per class (:func:`superclasses`), added to every type.
    """
    rng = random.Random(seed)
    g = Graph(base, closure)
    rim = g.rim
    centres = max(10, target_triples // TRIPLES_PER_CENTRE)
    towns = max(5, centres // 8)
    groups = max(3, centres // 12)
    networks = max(2, centres // 400)
    procedures = max(20, min(400, centres // 50))

    # the source and the activity every fact points to
    g.typed(g.source, rim + "SourceDocument", SCHEMA + "Dataset")
    g.labelled(g.source, "registre synthétique", "synthetic registry", RDFS + "label")
    g.add(g.source, SCHEMA + "name", literal("Registre synthétique des centres", "fr"))
    publisher = g.iri("organisation", "synthetic-registry-publisher")
    g.typed(publisher, rim + "Organisation", SCHEMA + "Organization")
    g.labelled(publisher, "éditeur du registre", "registry publisher", RDFS + "label")
    g.add(publisher, SCHEMA + "name", literal("Éditeur du registre synthétique"))
    g.state(g.source, SCHEMA + "publisher", publisher, g.selector("source", "registre synthétique"))
    g.typed(g.activity, PROV + "Activity")
    g.labelled(g.activity, "génération synthétique", "synthetic generation", RDFS + "label")

    # schemes and concepts
    schemes = {}
    for slug, fr, en in (
        ("specialties", "spécialités médicales", "medical specialties"),
        ("modalities", "techniques d’imagerie", "imaging modalities"),
        ("aspects", "versants des spécialités", "specialty aspects"),
    ):
        schemes[slug] = g.iri("scheme", slug)
        g.typed(schemes[slug], SKOS + "ConceptScheme")
        g.labelled(schemes[slug], fr, en, SKOS + "prefLabel", RDFS + "label")

    def concept(node: str, scheme: str, fr: str, en: str, *classes: str) -> None:
        g.typed(node, SKOS + "Concept", *classes)
        g.add(node, SKOS + "inScheme", schemes[scheme])
        g.labelled(node, fr, en, SKOS + "prefLabel", RDFS + "label")

    modality = {slug: g.iri("modality", slug) for slug in MODALITIES}
    for slug, (fr, en) in MODALITIES.items():
        concept(
            modality[slug],
            "modalities",
            fr,
            en,
            rim + "ImagingModality",
            SCHEMA + "MedicalImagingTechnique",
        )

    radiology = g.iri("specialty", "radiology")
    concept(
        radiology,
        "specialties",
        "radiologie",
        "radiology",
        rim + "MedicalSpecialty",
        SCHEMA + "MedicalSpecialty",
    )
    specialties = [radiology]
    hierarchy = g.selector("hierarchy", "spécialités de la radiologie")
    for slug, fr, en in (
        ("interventional-radiology", "radiologie interventionnelle", "interventional radiology"),
        ("conventional-radiology", "radiologie conventionnelle", "conventional radiology"),
    ):
        node = g.iri("specialty", slug)
        concept(node, "specialties", fr, en, rim + "MedicalSpecialty", SCHEMA + "MedicalSpecialty")
        g.state(node, SKOS + "broader", radiology, hierarchy)
        specialties.append(node)
    for index in range(24):  # a tree three levels below radiology's two main specialties
        fr_root, en_root = SUBSPECIALTY_ROOTS[index % len(SUBSPECIALTY_ROOTS)]
        node = g.iri("specialty", f"sub-{index}")
        parent = specialties[1 + (index % 2)] if index < 8 else specialties[3 + (index - 8) // 2]
        concept(
            node,
            "specialties",
            f"radiologie {fr_root} {index}",
            f"{en_root} radiology {index}",
            rim + "MedicalSpecialty",
            SCHEMA + "MedicalSpecialty",
        )
        g.state(node, SKOS + "broader", parent, hierarchy)
        specialties.append(node)

    interventional = specialties[1]
    aspect = {slug: g.iri("aspect", slug) for slug in ASPECTS}
    aspects_quote = g.selector("aspects", "les deux versants de la radiologie interventionnelle")
    for slug, (fr, en, cls) in ASPECTS.items():
        concept(
            aspect[slug],
            "aspects",
            fr,
            en,
            rim + "ProcedureAspect",
            rim + cls,
            SCHEMA + "MedicalProcedure",
        )
        g.state(aspect[slug], rim + "aspectOf", interventional, aspects_quote)

    procedure_nodes = []
    for index in range(procedures):
        slug = "therapeutic" if index % 2 else "diagnostic"
        node = g.iri("procedure", f"p-{index}")
        kind = "TherapeuticProcedure" if slug == "therapeutic" else "DiagnosticProcedure"
        g.typed(node, rim + "Procedure", SCHEMA + "MedicalProcedure", SCHEMA + kind)
        fr, en = f"geste interventionnel {index}", f"interventional procedure {index}"
        g.labelled(node, fr, en, RDFS + "label", SCHEMA + "name")
        quote = g.selector(f"p{index}", f"geste interventionnel {index} guidé par l’imagerie")
        g.state(aspect[slug], rim + "comprisesProcedure", node, quote)
        for slug_m in rng.sample(sorted(MODALITIES), rng.randint(1, 2)):
            g.state(node, rim + "imageGuidedBy", modality[slug_m], quote)
        procedure_nodes.append(node)

    network_nodes = []
    for index in range(networks):
        node = g.iri("network", f"n-{index}")
        g.typed(node, rim + "Network", SCHEMA + "Organization")
        g.labelled(node, f"réseau {index}", f"network {index}", RDFS + "label")
        g.add(node, SCHEMA + "name", literal(f"Réseau {index}"))
        network_nodes.append(node)
    group_nodes = []
    for index in range(groups):
        node = g.iri("organisation", f"g-{index}")
        g.typed(node, rim + "ImagingGroup", SCHEMA + "MedicalOrganization")
        g.labelled(node, f"groupe d’imagerie {index}", f"imaging group {index}", RDFS + "label")
        g.add(node, SCHEMA + "name", literal(f"Groupe d’imagerie {index}"))
        quote = g.selector(f"g{index}", f"groupe d’imagerie {index}, membre du réseau")
        g.state(node, SCHEMA + "memberOf", rng.choice(network_nodes), quote)
        group_nodes.append(node)
    town_nodes = []
    for index in range(towns):
        name = f"{TOWN_PREFIXES[index % len(TOWN_PREFIXES)]}{TOWN_ROOTS[index % 16]} {index}"
        node = g.iri("town", f"t-{index}")
        g.typed(node, rim + "Town", SCHEMA + "City")
        g.labelled(node, name, name, RDFS + "label")
        g.add(node, SCHEMA + "name", literal(name))
        town_nodes.append((node, name))

    for index in range(centres):
        node = g.iri("centre", f"c-{index}")
        town, town_name = rng.choice(town_nodes)
        name = f"Centre d’imagerie {town_name} n°{index}"
        g.typed(node, rim + "ImagingCentre", SCHEMA + "MedicalClinic")
        g.labelled(node, name, f"Imaging centre {fold(town_name)} no. {index}", RDFS + "label")
        g.add(node, SCHEMA + "name", literal(name))
        g.add(node, SKOS + "hiddenLabel", literal(fold(name), "fr"))
        quote = g.selector(f"c{index}", f"{name} : radiologie, imagerie")
        g.state(node, SCHEMA + "parentOrganization", rng.choice(group_nodes), quote)
        g.state(node, SCHEMA + "location", town, quote)
        for specialty in rng.sample(specialties[1:], rng.randint(1, 2)):
            g.state(node, SCHEMA + "medicalSpecialty", specialty, quote)
        for slug in rng.sample(sorted(MODALITIES), rng.randint(1, 3)):
            g.state(node, rim + "usesModality", modality[slug], quote)
        for slug in rng.sample(sorted(ASPECTS), rng.randint(1, 2)):
            g.state(node, SCHEMA + "availableService", aspect[slug], quote)
        if len(g.lines) > 50_000:
            yield from g.lines
            g.lines = []
    yield from g.lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=100_000, help="about how many triples")
    parser.add_argument("--base", default="http://127.0.0.1:8080/", help="base of every IRI")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("-o", "--output", type=Path, help="N-Triples file (default: stdout)")
    parser.add_argument(
        "--ontology",
        type=Path,
        action="append",
        help="ontology file or folder whose super-classes to add (default: ontology/)",
    )
    args = parser.parse_args(argv)
    default_ontology = Path(__file__).resolve().parent.parent / "ontology"
    ontology = args.ontology or ([default_ontology] if default_ontology.exists() else [])
    closure = superclasses(ontology, args.base)
    out = args.output.open("w", encoding="utf-8") if args.output else sys.stdout
    count = 0
    try:
        for line in generate(args.triples, args.base, args.seed, closure):
            out.write(line)
            count += 1
    finally:
        if args.output:
            out.close()
    print(f"{count} triples", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
