"""Issue 7: the ontology follows semantic versioning against its last release.

``releases/X.Y.Z/`` keeps the ontology and shapes as they were released. The
working tree's ``owl:versionInfo`` must be a major bump above the latest
release whenever a change since then is breaking (a removed or renamed term,
a tightened shape). To release: bump ``owl:versionInfo``/``owl:versionIRI``,
add the version to CHANGELOG.md, and copy ontology/ and shapes/ to
``releases/NEW/``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import rdflib

from publisher.config import PROJECT_ROOT
from publisher.ontology import versions as versioning
from publisher.workflow.diff import graphs, release_problems

RELEASES = PROJECT_ROOT / "releases"


def latest_release() -> Path:
    found = [p for p in RELEASES.iterdir() if p.is_dir() and re.fullmatch(r"\d+\.\d+\.\d+", p.name)]
    assert found, "releases/ holds no X.Y.Z release snapshot"
    return max(found, key=lambda p: versioning.parse(p.name))


def test_issue_7_breaking_changes_since_the_last_release_need_a_major_bump() -> None:
    problems, report = release_problems(latest_release(), PROJECT_ROOT)
    assert problems == [], "\n".join(problems)


def test_the_release_snapshot_is_the_version_it_is_named_after() -> None:
    release = latest_release()
    assert versioning.ontology_version(graphs(release)["ontology"]) == release.name


def test_version_iri_and_changelog_follow_the_version() -> None:
    ontology = graphs(PROJECT_ROOT)["ontology"]
    version = versioning.ontology_version(ontology)
    assert version is not None
    versioning.parse(version)  # raises unless MAJOR.MINOR.PATCH
    iri = versioning.ontology_version_iri(ontology)
    assert iri is not None and iri.endswith(f"/ontology/{version}")
    changelog = (PROJECT_ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[?{re.escape(version)}\]?", changelog, re.MULTILINE)


def _copy(tmp_path: Path) -> Path:
    for role in ("ontology", "shapes"):
        shutil.copytree(PROJECT_ROOT / role, tmp_path / role)
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _set_version(root: Path, old: str, new: str) -> None:
    for path in (root / "ontology").glob("*.ttl"):
        text = path.read_text(encoding="utf-8")
        text = text.replace(f'owl:versionInfo "{old}"', f'owl:versionInfo "{new}"')
        path.write_text(text.replace(f"<ontology/{old}>", f"<ontology/{new}>"), encoding="utf-8")


def test_the_guard_catches_a_tightened_shape_until_the_major_version_moves(
    tmp_path: Path,
) -> None:
    """The check above is real: tighten a shape in a copy and watch it fail."""
    release = latest_release()
    current = versioning.ontology_version(graphs(PROJECT_ROOT)["ontology"]) or ""
    copy = _copy(tmp_path)
    shapes = copy / "shapes" / "core.ttl"
    _edit(
        shapes,
        "sh:path schema:medicalSpecialty ;\n    sh:minCount 1 ;",
        "sh:path schema:medicalSpecialty ;\n    sh:minCount 2 ;",
    )
    problems, report = release_problems(release, copy)
    if versioning.parse(current)[0] > versioning.parse(release.name)[0]:
        assert problems == []  # already a major release ahead: nothing more to do
        return
    assert len(problems) == 1 and "minCount raised 1 → 2" in problems[0]
    assert report.required == "major"
    _set_version(copy, current, versioning.bump(release.name, "major"))
    assert release_problems(release, copy)[0] == []


def test_the_guard_catches_a_removed_term(tmp_path: Path) -> None:
    release = latest_release()
    copy = _copy(tmp_path)
    ontology = next((copy / "ontology").glob("*.ttl"))
    text = ontology.read_text(encoding="utf-8")
    start = text.index("rim:Video a owl:Class")
    end = text.index(" .\n", start) + 3
    ontology.write_text(text[:start] + text[end:], encoding="utf-8")
    problems, report = release_problems(release, copy)
    assert any(c.resource == "rim:Video" and c.kind == "removed" for c in report.breaking)
    current = versioning.ontology_version(graphs(PROJECT_ROOT)["ontology"]) or ""
    if versioning.parse(current)[0] > versioning.parse(release.name)[0]:
        assert problems == []  # already a major release ahead: the removal needs no more
        return
    assert problems and "rim:Video: removed" in problems[0]


def test_the_dataset_carries_a_semantic_version() -> None:
    loaded = graphs(PROJECT_ROOT)
    version = versioning.published_version(loaded["ontology"], loaded["data"])
    assert version is not None
    versioning.parse(version)
    described = rdflib.Graph().parse(
        data="<d> a <http://rdfs.org/ns/void#Dataset> ; "
        '<http://www.w3.org/ns/dcat#version> "2.1.0" .',
        format="turtle",
        publicID="http://x/",
    )
    assert versioning.published_version(loaded["ontology"], described) == "2.1.0"
