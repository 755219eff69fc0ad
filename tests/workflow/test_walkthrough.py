"""Issue 7: docs/extending.md, run end to end on a temporary copy of the repository.

The page is the script: every ``$ publisher …`` line runs as written (but
``serve``), every ``<!-- append: FILE -->`` block is appended, every SPARQL
block runs against the store; then the app built on the copy must show the
new modality and centre.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

from publisher import Settings
from publisher.cli import cli
from publisher.config import PROJECT_ROOT
from tests.conftest import MakeApp

DOC = PROJECT_ROOT / "docs" / "extending.md"
BASE = "http://127.0.0.1:8080/"
STEP = re.compile(
    r"^\$ (?P<command>publisher [^\n]+)$"
    r"|<!-- append: (?P<file>\S+) -->\n```turtle\n(?P<turtle>.*?)```"
    r"|```sparql\n(?P<sparql>.*?)```",
    re.MULTILINE | re.DOTALL,
)


def steps() -> list[re.Match[str]]:
    return list(STEP.finditer(DOC.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], list]:
    """The copy after every step, the output of each command, and the SPARQL results."""
    copy = tmp_path_factory.mktemp("repo")
    for role in ("ontology", "data", "shapes"):
        shutil.copytree(PROJECT_ROOT / role, copy / role)
    outputs: dict[str, str] = {}
    queries_run: list[str] = []
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(copy)
        for step in steps():
            if step["command"]:
                args = shlex.split(step["command"])[1:]
                if args[0] == "serve":
                    continue
                result = runner.invoke(cli, args)
                assert result.exit_code == 0, f"{step['command']}\n{result.output}"
                outputs[" ".join(args)] = result.output
            elif step["file"]:
                with (copy / step["file"]).open("a", encoding="utf-8") as target:
                    target.write("\n" + step["turtle"])
            else:
                queries_run.append(step["sparql"])
    return copy, outputs, queries_run


def test_issue_7_the_walkthrough_has_every_kind_of_step() -> None:
    commands = [s["command"].split()[1] for s in steps() if s["command"]]
    assert {"new", "check", "serve", "docs", "diff"} <= set(commands)
    assert any(s["file"] for s in steps()) and any(s["sparql"] for s in steps())


def test_the_new_entities_pass_check(walked) -> None:
    _, outputs, _ = walked
    text = outputs["check ontology data shapes"].rstrip().splitlines()[-1]
    assert text.startswith("OK:") and " 0 error(s)" in text
    report = json.loads(outputs["check ontology data shapes --format json"])
    assert report["ok"] and report["errors"] == 0
    ours = [f for f in report["findings"] if "toulon" in (f["subject"] or "")]
    assert ours and all("search engines" in f["message"] for f in ours)


def test_the_diff_reports_the_additions_as_a_minor_change(walked) -> None:
    _, outputs, _ = walked
    report = outputs["diff HEAD ."]
    # HEAD is the last commit; uncommitted work in the checkout would show up too.
    assert re.search(r'\+ <id/modality/pet> "[^"]+"  \[added, minor\]\n', report)
    assert re.search(r'\+ <id/centre/toulon> "[^"]+"  \[added, minor\]\n', report)
    assert re.search(r"Required version bump: (minor|major)", report)


def test_the_app_on_the_copy_shows_the_new_things(make_app: MakeApp, walked) -> None:
    copy, _, sparql = walked
    paths = tuple(copy / r for r in ("ontology", "data", "shapes"))
    app = make_app(Settings(data_paths=paths), fresh=True)
    client = app.test_client()
    store = app.extensions["publisher"].store
    pet, toulon = rdflib.URIRef(f"{BASE}id/modality/pet"), rdflib.URIRef(f"{BASE}id/centre/toulon")

    # The ontology documentation: the concept, and one more modality in use.
    html = client.get("/ontology?lang=en").get_data(as_text=True)
    article = re.search(r'<article class="term" id="id-modality-pet".*?</article>', html, re.S)
    assert article and 'href="https://schema.org/PET"' in article.group(0)
    assert '<span lang="fr">tomographie par émission de positons</span>' in article.group(0)
    modality = re.search(r'<article class="term" id="ImagingModality".*?</article>', html, re.S)
    assert modality and '<td class="usage">6</td>' in modality.group(0)

    # The IRI redirects to the centre's page, which quotes the source; the RDF has the facts.
    moved = client.get("/id/centre/toulon", headers={"Accept": "text/html"})
    assert moved.status_code == 303 and moved.headers["Location"].endswith("/doc/centre/toulon")
    page = client.get("/doc/centre/toulon", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "centre d’imagerie de Toulon" in page.get_data(as_text=True)
    assert "vous accueille en radiologie interventionnelle" in page.get_data(as_text=True)
    turtle = client.get("/doc/centre/toulon.ttl")
    described = rdflib.Graph().parse(data=turtle.data, format="turtle")
    schema = rdflib.Namespace("https://schema.org/")
    assert (toulon, schema.location, rdflib.URIRef(f"{BASE}id/town/toulon")) in described
    pet_page = client.get("/doc/modality/pet?lang=en", headers={"Accept": "text/html"})
    assert "positron emission tomography" in pet_page.get_data(as_text=True)

    # /search finds both, accents and case folded, by label or synonym.
    for words, wanted in (("toulon", toulon), ("TEP", pet), ("émission de positons", pet)):
        found = client.get(
            "/search", query_string={"q": words}, headers={"Accept": "application/ld+json"}
        )
        assert found.status_code == 200
        assert str(wanted) in [item["id"] for item in found.get_json()["items"]], words

    # The walkthrough's SPARQL query, sent to /sparql, lists Toulon with its quoted sentence.
    (query,) = sparql
    answer = client.post(
        "/sparql",
        data=query.encode("utf-8"),
        headers={
            "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+json",
        },
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    bindings = answer.get_json()["results"]["bindings"]
    centres = {b["centre"]["value"].rsplit("/", 1)[-1]: b["quote"]["value"] for b in bindings}
    assert set(centres) == {"frejus", "saint-raphael", "draguignan", "toulon"}
    assert centres["toulon"].startswith("Notre centre d’imagerie de Toulon")
    assert len(store.select(query)) == len(bindings)

    # The static documentation was written on the copy and documents the new concept.
    static = (copy / "docs" / "ontology.html").read_text(encoding="utf-8")
    assert 'id="id-modality-pet"' in static and "<svg" in static
