"""Issue 7: ``publisher new`` scaffolds entities that pass ``publisher check``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

from publisher.cli import cli
from publisher.commands import new as new_module
from publisher.commands.check import check
from publisher.config import PROJECT_ROOT
from publisher.workflow import lint
from publisher.workflow.scaffold import Entity, ScaffoldError, scaffold

BASE = "http://127.0.0.1:8080/"
PET = [
    "new", "modality", "--slug", "pet",
    "--label-fr", "tomographie par émission de positons",
    "--label-en", "positron emission tomography",
    "--alt-label", "TEP@fr", "--alt-label", "PET scan@en",
    "--definition-fr", "Imagerie de la distribution d’un traceur radioactif.",
    "--definition-en", "Imaging of the distribution of a radioactive tracer.",
    "--schema", "schema:PET",
]  # fmt: skip
TOULON = [
    "new", "centre", "--slug", "toulon",
    "--label-fr", "centre d’imagerie de Toulon", "--label-en", "Toulon imaging centre",
    "--town", "toulon", "--town-name", "Toulon",
    "--specialty", "interventional-radiology", "--specialty", "conventional-radiology",
    "--source", "toulon-centre-page", "--source-title", "Notre centre de Toulon",
    "--quote", "Notre centre de Toulon vous accueille en radiologie interventionnelle.",
]  # fmt: skip


def copy_repo(tmp_path: Path) -> Path:
    for role in ("ontology", "data", "shapes"):
        shutil.copytree(PROJECT_ROOT / role, tmp_path / role)
    return tmp_path


def roots(path: Path) -> tuple[Path, ...]:
    return tuple(path / role for role in ("ontology", "data", "shapes"))


def test_issue_7_new_modality_and_centre_pass_check(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path)
    runner = CliRunner()
    for args, name in ((PET, "modality-pet.ttl"), (TOULON, "centre-toulon.ttl")):
        result = runner.invoke(cli, [*args, "-o", str(repo / "data" / name)])
        assert result.exit_code == 0, result.output
    findings = check(roots(repo), BASE)
    errors = [f for f in findings if f.severity == "error"]
    assert errors == []
    ours = [f for f in findings if f.subject and ("pet" in f.subject or "toulon" in f.subject)]
    # Only the search-engine warnings about facts the source does not state remain.
    assert {f.rule for f in ours} <= {"shacl"}
    assert all("recommended by search engines" in f.message for f in ours)


def test_scaffold_declares_only_the_prefixes_it_uses_and_parses() -> None:
    text = scaffold(
        Entity(
            kind="centre",
            slug="nice",
            label_fr="centre de Nice",
            label_en="Nice centre",
            town="nice",
            specialties=("interventional-radiology",),
            quote="« Notre centre de Nice »",
        )
    )
    assert lint.unused_prefixes(text) == []
    graph = rdflib.Graph().parse(data=text, format="turtle", publicID=BASE)
    fact = rdflib.URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement")
    assert len(set(graph.subjects(rdflib.RDF.type, fact))) == 3  # group, town, specialty
    exact = rdflib.URIRef("http://www.w3.org/ns/oa#exact")
    assert {str(o) for o in graph.objects(None, exact)} == {"« Notre centre de Nice »"}


@pytest.mark.parametrize(
    ("entity", "message"),
    [
        (Entity("modality", "pet", "TEP", "PET"), "--schema"),
        (Entity("centre", "x", "x", "x", specialties=("a",)), "--town"),
        (Entity("aspect", "x", "x", "x", no_schema_reason="none"), "--specialty"),
        (Entity("modality", "Bad Slug", "x", "x", schema="schema:CT"), "not a slug"),
        (Entity("modality", "x", "x", "x", schema="CT"), "schema.org term"),
        (Entity("centre", "x", "x", "x", town="t", specialties=("s",)), "--quote"),
    ],
)
def test_scaffold_refuses_incomplete_entities(entity: Entity, message: str) -> None:
    with pytest.raises(ScaffoldError, match=message):
        scaffold(entity)


def test_missing_values_are_usage_errors_without_a_terminal() -> None:
    result = CliRunner().invoke(cli, ["new", "centre", "--slug", "x"])
    assert result.exit_code == 2
    assert "missing --label-fr" in result.output


def test_missing_values_are_asked_for_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(new_module, "interactive", lambda: True)
    answers = "angio-ct\nangioscanner\nCT angiography\n"
    result = CliRunner().invoke(
        cli, ["new", "modality", "--no-schema-reason", "no member fits"], input=answers
    )
    assert result.exit_code == 0, result.output
    assert "<id/modality/angio-ct>" in result.output
    assert '"angioscanner"@fr' in result.output
    assert "No schema.org counterpart: no member fits" in result.output


def test_an_existing_file_is_not_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "x.ttl"
    target.write_text("keep")
    result = CliRunner().invoke(cli, [*PET, "-o", str(target)])
    assert result.exit_code == 2 and target.read_text() == "keep"


def test_new_specialty_aspect_and_procedure_pass_check(tmp_path: Path) -> None:
    """Scaffolds of the other kinds, sourced from a sentence of a fictional document."""
    repo = copy_repo(tmp_path)
    source = [
        "--source", "example-page", "--source-title", "Page d’exemple",
        "--quote", "Exemple : une sous-spécialité, un versant et un acte de radiologie.",
    ]  # fmt: skip
    commands = [
        [
            "new", "specialty", "--slug", "paediatric-radiology",
            "--label-fr", "radiologie pédiatrique", "--label-en", "paediatric radiology",
            "--definition-fr", "Radiologie de l’enfant.",
            "--definition-en", "Radiology of children.",
            "--broader", "radiology", "--no-schema-reason", "schema.org has no such member",
        ],
        [
            "new", "aspect", "--slug", "preventive", "--aspect-type", "therapeutic",
            "--label-fr", "versant préventif", "--label-en", "preventive aspect",
            "--specialty", "interventional-radiology", "--no-schema-reason", "none fits",
        ],
        [
            "new", "procedure", "--slug", "example-treatment", "--aspect", "therapeutic",
            "--label-fr", "traitement d’exemple", "--label-en", "example treatment",
        ],
    ]  # fmt: skip
    for index, args in enumerate(commands):
        extra = source if index == 0 else [*source[:2], *source[4:]]
        target = repo / "data" / f"new-{index}.ttl"
        result = CliRunner().invoke(cli, [*args, *extra, "-o", str(target)])
        assert result.exit_code == 0, result.output
    errors = [f for f in check(roots(repo), BASE) if f.severity == "error"]
    assert errors == []
    graph = rdflib.Graph().parse(repo / "data" / "new-0.ttl", publicID=BASE)
    broader = rdflib.URIRef("http://www.w3.org/2004/02/skos/core#broader")
    assert (None, broader, rdflib.URIRef(f"{BASE}id/specialty/radiology")) in graph
