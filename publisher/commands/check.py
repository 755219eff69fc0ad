"""``publisher check``: everything a change must pass before it is published.

Three stages, each reported with file and line where one is known: RDF syntax
(every file, not just the first broken one), SHACL on the data, and the
ontology lint of :mod:`publisher.workflow.lint`.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict
from pathlib import Path

import click
import pyoxigraph as ox

from publisher.commands.exits import reading_files
from publisher.commands.options import format_option, paths_argument, settings_from
from publisher.config import PROJECT_ROOT
from publisher.graph.sources import Dataset, RdfSyntaxError, discover, parse
from publisher.validation.report import Report
from publisher.validation.shapes import validate_dataset
from publisher.workflow.lint import Finding, lint

_PREFIX = re.compile(r"(?:@prefix|PREFIX)\s+([\w.-]*):\s*<([^>]*)>", re.IGNORECASE)


def syntax_findings(paths: tuple[Path, ...], base_url: str) -> tuple[list[Finding], Dataset]:
    """Parse every file; one finding per broken file, and the dataset of the rest."""
    findings, quads, sources = [], [], []
    for source in discover(paths):
        try:
            quads.extend(parse(source, base_url))
            sources.append(source)
        except RdfSyntaxError as error:
            findings.append(
                Finding("error", "syntax", error.message, None, str(error.path), error.line)
            )
    nquads = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
    return findings, Dataset(nquads=nquads, base_url=base_url, sources=tuple(sources))


def shacl_findings(report: Report) -> list[Finding]:
    """SHACL results as findings: violations fail the check, the rest are warnings."""
    findings = []
    for result in report.results:
        detail = [result.message]
        if result.path:
            detail.append(f"path {result.path}")
        if result.value:
            detail.append(f"value {result.value}")
        if not result.source_shape.startswith("["):
            detail.append(f"shape {result.source_shape}")
        severity = "error" if result.severity == "Violation" else "warning"
        findings.append(Finding(severity, "shacl", "; ".join(detail), result.focus_node))
    return findings


def locate(iri: str, texts: dict[str, str], base_url: str) -> tuple[str | None, int | None]:
    """The file and line where ``iri`` is described (as a subject if possible)."""
    best: tuple[str | None, int | None] = (None, None)
    for path, text in texts.items():
        spellings = {f"<{iri}>"}
        if iri.startswith(base_url):
            spellings.add(f"<{iri[len(base_url) :]}>")
        for name, namespace in _PREFIX.findall(text):
            full = namespace if "://" in namespace else base_url + namespace
            local = iri[len(full) :]
            if iri.startswith(full) and re.fullmatch(r"[\w-]+", local or "-"):
                spellings.add(f"{name}:{local}")
        pattern = "|".join(re.escape(s) for s in sorted(spellings, key=len, reverse=True))
        for number, line in enumerate(text.splitlines(), start=1):
            match = re.search(rf"(?<![\w:<-])({pattern})(?![\w-])", line)
            if match is None:
                continue
            if match.start() == 0:
                return path, number
            if best == (None, None):
                best = (path, number)
    return best


def check(paths: tuple[Path, ...], base_url: str) -> list[Finding]:
    """Every finding for the files under ``paths``, errors first.

    When ``paths`` bring no ontology or no shapes, the project's are read as
    context (terms are declared there), and only findings in ``paths`` count.

    :raises SourceError: when a path does not exist.
    """
    given = {s.path for s in discover(paths)}
    roles = {s.role for s in discover(paths)}
    context = tuple(PROJECT_ROOT / r for r in ("ontology", "shapes") if r not in roles)
    findings, dataset = syntax_findings(paths + context, base_url)
    if findings:
        return findings
    texts = {
        str(s.path): s.path.read_text(encoding="utf-8")
        for s in dataset.sources
        if s.path.suffix in {".ttl", ".trig", ".n3"}
    }
    from publisher.graph.publication import PROJECT_SHAPES

    report = validate_dataset(dataset, fallback_shapes=PROJECT_SHAPES)
    found = shacl_findings(report) + lint(
        dataset.rdflib_graph("ontology"),
        dataset.rdflib_graph("data"),
        dataset.rdflib_graph("shapes"),
        base_url,
        texts,
    )
    located = []
    for finding in found:
        if finding.subject and not finding.file:
            file, line = locate(finding.subject, texts, base_url)
            finding = Finding(**{**asdict(finding), "file": file, "line": line})
        if finding.file is None or Path(finding.file) in given:
            located.append(finding)
    return sorted(located, key=lambda f: (f.severity != "error", f.file or "", f.line or 0))


def to_text(findings: list[Finding], files: int) -> str:
    """Findings for people: one block per finding, then a summary line."""
    errors = sum(f.severity == "error" for f in findings)
    lines = []
    for f in findings:
        where = f.where() or "-"
        lines.append(f"{where}: {f.severity} [{f.rule}] {f.subject or ''}".rstrip())
        lines.append(f"    {f.message}")
    verdict = "FAILED" if errors else "OK"
    lines.append(
        f"{verdict}: {files} file(s), {errors} error(s), {len(findings) - errors} warning(s)"
    )
    return "\n".join(lines)


@click.command("check")
@paths_argument
@click.option("--base-url", help="Base URL that relative IRIs resolve against.")
@format_option("text", "json", help="Report for people (text) or for CI (json).")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def check_command(
    paths: tuple[Path, ...], base_url: str | None, output_format: str, strict: bool
) -> None:
    """Check syntax, SHACL and the ontology rules; exit 1 on any error.

    Rules: labels and definitions in fr and en, a schema.org counterpart or a
    note why none, no undeclared rim: term, a shape for every class, no unused
    prefix, no dangling skos:broader, unique prefLabels per scheme, IRIs minted
    as id/{kind}/{slug}.
    """
    settings = settings_from(paths, base_url=base_url)
    with reading_files():
        findings = check(settings.data_paths, settings.base_url)
        files = len(discover(settings.data_paths))
    failed = any(f.severity == "error" or strict for f in findings)
    if output_format == "json":
        payload = {
            "ok": not failed,
            "errors": sum(f.severity == "error" for f in findings),
            "warnings": sum(f.severity != "error" for f in findings),
            "findings": [asdict(f) for f in findings],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        click.echo(to_text(findings, files))
    sys.exit(1 if failed else 0)
