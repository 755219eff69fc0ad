"""Issue 7: ``publisher diff`` says what changed, whether it breaks, and the bump."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

from publisher.cli import cli
from publisher.workflow.diff import compare_data, compare_ontology
from publisher.workflow.shapediff import compare_shapes

BASE = "http://127.0.0.1:8080/"
HEAD = """@prefix rim: <ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix schema: <https://schema.org/> .
"""
SHAPE = """<shapes#Centre> a sh:PropertyShape ; sh:targetClass rim:Centre ;
    sh:path schema:medicalSpecialty ; {} ."""


def graph(text: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=HEAD + text, format="turtle", publicID=BASE)


def shape_changes(old: str, new: str, new_classes: tuple[str, ...] = ()) -> list[tuple[str, bool]]:
    changes = compare_shapes(graph(old), graph(new), lambda t: t in new_classes, BASE)
    return [(c.message, c.breaking) for c in changes]


@pytest.mark.parametrize(
    ("old", "new", "message", "breaking"),
    [
        ("sh:minCount 1", "sh:minCount 2", "sh:minCount raised 1 → 2", True),
        ("sh:minCount 2", "sh:minCount 1", "sh:minCount lowered 2 → 1", False),
        ("sh:maxCount 3", "sh:maxCount 1", "sh:maxCount lowered 3 → 1", True),
        ("sh:maxCount 1", "sh:maxCount 3", "sh:maxCount raised 1 → 3", False),
        ("sh:name 'a'", "sh:name 'a' ; sh:minCount 1", "sh:minCount 1 added", True),
        ("sh:minCount 1", "sh:name 'a'", "sh:minCount 1 removed", False),
        ("sh:in ( 1 2 3 )", "sh:in ( 1 2 )", "sh:in -3", True),
        ("sh:in ( 1 2 )", "sh:in ( 1 2 3 )", "sh:in +3", False),
        ("sh:datatype xsd:string", "sh:datatype xsd:date", "sh:datatype", True),
        ("sh:class rim:A", "sh:class rim:B", "sh:class rim:A → rim:B", True),
        ("sh:severity sh:Warning", "sh:name 'x'", "sh:severity sh:Warning → sh:Violation", True),
        ("sh:name 'x'", "sh:severity sh:Warning", "sh:severity sh:Violation → sh:Warning", False),
        ("sh:message 'a'", "sh:message 'b'", "sh:message reworded", False),
    ],
)
def test_shape_changes_are_classified_by_direction(
    old: str, new: str, message: str, breaking: bool
) -> None:
    changes = [c for c in shape_changes(SHAPE.format(old), SHAPE.format(new)) if "name" not in c[0]]
    assert len(changes) == 1 and changes[0][0].startswith(message)
    assert changes[0][1] is breaking


def test_a_new_required_shape_breaks_unless_its_class_is_new() -> None:
    new = SHAPE.format("sh:minCount 1")
    assert shape_changes("", new) == [("shape added (can reject existing data)", True)]
    assert shape_changes("", new, ("rim:Centre",))[0][1] is False
    warning = SHAPE.format("sh:minCount 1 ; sh:severity sh:Warning")
    assert shape_changes("", warning)[0][1] is False
    assert shape_changes(new, "") == [("shape removed (loosens)", False)]


def test_nested_property_shapes_are_compared_by_path() -> None:
    old = "<shapes#S> a sh:NodeShape ; sh:property [ sh:path schema:name ; sh:maxCount 2 ] ."
    new = "<shapes#S> a sh:NodeShape ; sh:property [ sh:path schema:name ; sh:maxCount 1 ] ."
    assert shape_changes(old, new) == [("sh:maxCount lowered 2 → 1", True)]


TERMS = """rim:Centre a owl:Class ; rdfs:label "centre"@en .
rim:Town a owl:Class ; rdfs:label "town"@en .
rim:located a owl:ObjectProperty ; rdfs:label "located"@en ; rdfs:range rim:Town .
"""


def test_ontology_changes_removed_renamed_added_and_reworded() -> None:
    new = (
        TERMS.replace("rim:Town a", "rim:City a")
        .replace('"centre"@en', '"imaging centre"@en')
        .replace("rdfs:range rim:Town", "rdfs:range rim:City")
        + 'rim:Group a owl:Class ; rdfs:label "group"@en .'
    )
    changes = {(c.kind, c.resource): c for c in compare_ontology(graph(TERMS), graph(new))}
    assert changes["renamed", "rim:Town"].details == ("→ rim:City",)
    assert changes["renamed", "rim:Town"].breaking
    assert changes["added", "rim:Group"].bump == "minor"
    assert ("added", "rim:City") not in changes
    assert changes["changed", "rim:Centre"].bump == "patch"
    assert changes["changed", "rim:located"].breaking  # its range changed


def test_data_removals_break_published_iris() -> None:
    old = graph('<id/centre/a> rdfs:label "A"@en . <id/centre/b> rdfs:label "B"@en .')
    new = graph('<id/centre/a> rdfs:label "A!"@en . <id/centre/c> rdfs:label "C"@en .')
    changes = {(c.kind, c.resource, c.bump, c.breaking) for c in compare_data(old, new)}
    assert changes == {
        ("removed", "<id/centre/b>", "major", True),
        ("added", "<id/centre/c>", "minor", False),
        ("changed", "<id/centre/a>", "patch", False),
    }


def write(root: Path, version: str, shape: str) -> None:
    (root / "ontology").mkdir(parents=True, exist_ok=True)
    (root / "shapes").mkdir(parents=True, exist_ok=True)
    (root / "ontology" / "o.ttl").write_text(
        HEAD + f'<ontology> a owl:Ontology ; owl:versionInfo "{version}" .\n' + TERMS
    )
    (root / "shapes" / "s.ttl").write_text(HEAD + SHAPE.format(shape))


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def test_diff_between_git_revisions_and_the_version_check(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    git(tmp_path, "config", "user.email", "t@example.invalid")
    git(tmp_path, "config", "user.name", "t")
    write(tmp_path, "1.0.0", "sh:minCount 1")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "one")
    git(tmp_path, "tag", "v1.0.0")
    write(tmp_path, "1.1.0", "sh:minCount 2")
    git(tmp_path, "commit", "-qam", "two")
    runner = CliRunner()
    args = ["diff", "v1.0.0", "HEAD", "--repo", str(tmp_path)]
    result = runner.invoke(cli, [*args, "--format", "json"])
    report = json.loads(result.output)
    assert report["required_bump"] == "major" and report["breaking"] == 1
    assert report["versions"]["ontology"] == {"old": "1.0.0", "new": "1.1.0"}
    assert report["version_ok"] is False
    assert runner.invoke(cli, [*args, "--check-version"]).exit_code == 1
    text = runner.invoke(cli, args).output
    assert "rimsh:Centre" in text and "BREAKING" in text and "NOT sufficient" in text
    # Folders work too: the working tree against the tagged revision.
    shutil.copytree(tmp_path / "ontology", tmp_path / "old" / "ontology")
    shutil.copytree(tmp_path / "shapes", tmp_path / "old" / "shapes")
    same = runner.invoke(cli, ["diff", str(tmp_path / "old"), str(tmp_path), "--check-version"])
    assert same.exit_code == 0 and "No change." in same.output
    assert "Not compared (missing on one side): data." in same.output


def test_unknown_revision_is_a_clear_error(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    result = CliRunner().invoke(cli, ["diff", "no-such-rev", ".", "--repo", str(tmp_path)])
    assert result.exit_code == 2 and "not a folder nor a git revision" in result.output
