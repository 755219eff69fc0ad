"""Issue 12, README for a newcomer: its links work in a clone, its commands say where
``publisher`` lives, and the HTTP contract it links is the repository's own copy."""

from __future__ import annotations

import re

from flask import Flask

from tests.conftest import ROOT

README = ROOT / "README.md"
CONTRACT = ROOT / "docs" / "HTTP.md"
SHARED_CONTRACT = ROOT.parent / "shared" / "spec" / "HTTP.md"
"""The team's spec, beside the checkouts (absent from a plain clone)."""


def readme() -> str:
    return README.read_text(encoding="utf-8")


def test_issue_12_the_first_two_lines_are_the_two_commands() -> None:
    first, second = readme().splitlines()[:2]
    install = "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/publisher serve"
    assert first.split("#")[0].split() == install.split()
    assert second.split("#")[0].split() == "bash .ci/setup && .venv/bin/python -m pytest".split()


def test_issue_12_every_relative_link_resolves_inside_the_repository() -> None:
    links = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", readme())
    local = [link for link in links if not re.match(r"[a-z]+:", link)]
    assert "docs/HTTP.md" in local
    for link in local:
        target = (ROOT / link).resolve()
        assert target.is_relative_to(ROOT) and target.exists(), link


def test_issue_12_the_contract_is_the_shared_spec_word_for_word() -> None:
    """docs/HTTP.md is the team's spec; where the spec sits beside the checkout
    (the team's machines), the two must match, so a change to one is copied to
    the other."""
    contract = CONTRACT.read_text(encoding="utf-8")
    assert contract.startswith("# The publisher's public HTTP interface")
    if SHARED_CONTRACT.exists():
        assert contract == SHARED_CONTRACT.read_text(encoding="utf-8"), (
            f"copy {SHARED_CONTRACT} to docs/HTTP.md"
        )


def test_issue_12_every_route_the_server_has_is_in_the_contract(app: Flask) -> None:
    contract = CONTRACT.read_text(encoding="utf-8")
    for rule in {r.rule for r in app.url_map.iter_rules()} - {"/", "/static/<path:filename>"}:
        stem = re.split(r"[<.]", rule.lstrip("/"), maxsplit=1)[0] or rule.lstrip("/")
        assert f"`/{stem}" in contract, rule


def test_issue_12_commands_say_how_to_reach_the_installed_publisher() -> None:
    text = readme()
    activate = text.index("source .venv/bin/activate")
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    plain = [
        line
        for block in blocks
        for line in block.splitlines()
        if re.match(r"(publisher|python|pip) ", line)
    ]
    assert plain, "the examples name the command"
    first = min(text.index(line) for line in plain)
    assert activate < first, "say how to activate .venv before the first bare command"


def test_issue_12_the_comunica_example_says_what_installs_it() -> None:
    lines = readme().splitlines()
    at = next(i for i, line in enumerate(lines) if "comunica-sparql" in line)
    before = "\n".join(lines[max(0, at - 4) : at])
    assert "bash .ci/setup" in before and "npm install" in before
