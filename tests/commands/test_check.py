"""Issue 7: ``publisher check`` runs syntax, SHACL and lint, for people and for CI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from publisher.cli import cli
from publisher.commands.check import locate
from publisher.config import PROJECT_ROOT


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["check", *args])
    return result.exit_code, result.output


def test_issue_7_the_repository_passes_check() -> None:
    code, output = run("--format", "json")
    report = json.loads(output)
    assert code == 0, [f for f in report["findings"] if f["severity"] == "error"]
    assert report["ok"] and report["errors"] == 0


def test_the_only_warnings_left_are_the_search_engine_ones() -> None:
    """Definitions, schema.org counterparts and prefixes are complete; what stays is honest:
    the source page gives no address, telephone, coordinates or web address for the centres."""
    code, output = run("--format", "json")
    findings = json.loads(output)["findings"]
    assert findings and all(
        f["rule"] == "shacl" and "shapes#Seo" in f["message"] for f in findings
    ), [f for f in findings if f["rule"] != "shacl" or "shapes#Seo" not in f["message"]]


def test_every_broken_file_is_reported_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "a.ttl").write_text("@prefix s: <http://s#> .\ns:a s:b s:c .\ns:x s:y .\n")
    (tmp_path / "b.ttl").write_text('<http://a> <http://b> "unterminated .\n')
    code, output = run(str(tmp_path))
    assert code == 1
    assert f"{tmp_path / 'a.ttl'}:3: error [syntax]" in output
    assert f"{tmp_path / 'b.ttl'}:1: error [syntax]" in output
    assert output.rstrip().endswith("FAILED: 2 file(s), 2 error(s), 0 warning(s)")


def test_lint_and_shacl_errors_fail_with_file_and_line(tmp_path: Path) -> None:
    for role in ("ontology", "data", "shapes"):
        shutil.copytree(PROJECT_ROOT / role, tmp_path / role)
    (tmp_path / "data" / "mistakes.ttl").write_text(
        "@prefix rim: <ontology#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "@prefix unused: <http://unused.example/> .\n"
        "\n"
        "<id/modality/Bad_Slug> a skos:Concept , rim:ImagingModality ;\n"
        '    skos:prefLabel "IRM"@fr ; skos:inScheme <id/scheme/modalities> ;\n'
        "    rim:scannedBy <id/organisation/nobody> ;\n"
        "    skos:broader <id/modality/nowhere> .\n",
        encoding="utf-8",
    )
    code, output = run(
        "--format", "json", *(str(tmp_path / r) for r in ("ontology", "data", "shapes"))
    )
    assert code == 1
    report = json.loads(output)
    found = {(f["rule"], f["line"]) for f in report["findings"] if "mistakes" in (f["file"] or "")}
    assert {
        ("unused-prefix", 3),
        ("iri-pattern", 5),
        ("undeclared-term", 7),
        ("dangling-broader", 5),
        ("duplicate-label", 5),
        ("shacl", 5),
    } <= found
    shacl = [f for f in report["findings"] if f["rule"] == "shacl" and f["severity"] == "error"]
    assert any("English" in f["message"] for f in shacl)


def test_locate_prefers_the_line_where_the_resource_is_described() -> None:
    texts = {
        "a.ttl": "@prefix c: <id/centre/> .\nx:y x:z c:frejus .\nc:frejus a x:C .\n",
        "b.ttl": "<id/centre/other> a x:C .\n",
    }
    assert locate("http://h/id/centre/frejus", texts, "http://h/") == ("a.ttl", 3)
    assert locate("http://h/id/centre/other", texts, "http://h/") == ("b.ttl", 1)
    assert locate("http://h/id/centre/none", texts, "http://h/") == (None, None)


def test_warnings_pass_unless_strict(tmp_path: Path) -> None:
    (tmp_path / "one.ttl").write_text(
        "@prefix unused: <http://unused.example/> .\n"
        "<http://a.example/s> <http://a.example/p> 1 .\n"
    )
    code, output = run(str(tmp_path))
    assert code == 0 and "warning [unused-prefix]" in output
    assert output.rstrip().endswith("OK: 1 file(s), 0 error(s), 1 warning(s)")
    assert run("--strict", str(tmp_path))[0] == 1


def test_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    code, output = run(str(tmp_path / "nowhere"))
    assert code == 2 and "no such file or folder" in output


def test_checking_only_the_data_reads_the_project_ontology_as_context() -> None:
    code, output = run(str(PROJECT_ROOT / "data"))
    assert code == 0 and "undeclared-term" not in output
    assert "ontology/" not in output and "shapes/" not in output
