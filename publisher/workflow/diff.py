"""What changed between two versions of the graph, and the version bump it needs.

A version is a folder holding ``ontology/``, ``data/`` and ``shapes/`` (any may
be missing) or a git revision of the repository. Changes are grouped by
resource and labelled; each says whether it is breaking:

- ontology: a removed or renamed term, or a changed domain, range or removed
  super-term is breaking (major); a new term is a minor change; reworded
  labels or definitions are a patch;
- shapes: see :mod:`publisher.workflow.shapediff` (tightened = major, loosened = minor);
- data: a removed resource breaks its published IRI (major); a new resource is
  minor; changed facts are a patch.
"""

from __future__ import annotations

import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from io import BytesIO
from pathlib import Path

import rdflib

from publisher.config import Settings
from publisher.graph.sources import ROLES, load
from publisher.ontology import versions as versioning
from publisher.ontology.vocabulary import declared_terms, rim
from publisher.rdf.labels import stated_label
from publisher.rdf.terms import descriptions, short
from publisher.workflow.shapediff import compare_shapes

#: Folders are parsed under this base; reports name terms relative to it (``rim:X``,
#: ``<id/…>``), so any base gives the same report.
BASE = Settings().base_url


def label(graph: rdflib.Graph, node: rdflib.term.Node) -> str | None:
    """The English label of ``node``, as reports show it beside its name."""
    return stated_label(graph, node, "en")


#: Changes to these ontology predicates alter what the term means.
_AXIOMS = {"rdfs:domain", "rdfs:range", "owl:inverseOf", "rdf:type"}
_SUPERS = {"rdfs:subClassOf", "rdfs:subPropertyOf", "owl:equivalentClass"}
_VERSION = {"owl:versionInfo", "owl:versionIRI", "owl:priorVersion"}


class SnapshotError(Exception):
    """A version is neither a folder nor a git revision."""


@dataclass(frozen=True)
class Change:
    """One resource that changed, with how much it matters."""

    area: str  # ontology | shapes | data
    kind: str  # added | removed | changed | renamed
    resource: str
    label: str | None
    bump: str  # patch | minor | major
    breaking: bool
    details: tuple[str, ...] = ()


@dataclass
class Diff:
    """Every change, the versions on both sides and the bump needed."""

    changes: list[Change]
    versions: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    skipped: tuple[str, ...] = ()  # roles missing on one side, so not compared

    @property
    def required(self) -> str | None:
        return versioning.required(c.bump for c in self.changes)

    @property
    def breaking(self) -> list[Change]:
        return [c for c in self.changes if c.breaking]

    def version_ok(self, which: str = "ontology") -> bool | None:
        """Whether the declared version moved enough (``None``: no version to compare)."""
        old, new = self.versions.get(which, (None, None))
        if not old or not new:
            return None
        return versioning.satisfies(old, new, self.required)

    def to_dict(self) -> dict[str, object]:
        return {
            "required_bump": self.required,
            "breaking": len(self.breaking),
            "versions": {k: {"old": o, "new": n} for k, (o, n) in self.versions.items()},
            "version_ok": self.version_ok(),
            "not_compared": list(self.skipped),
            "changes": [asdict(c) for c in self.changes],
        }


def graphs(root: Path, base: str = BASE) -> dict[str, rdflib.Graph]:
    """The ontology, data and shapes graphs of a folder."""
    paths = [root / role for role in ROLES if (root / role).exists()]
    dataset = load(paths, base) if paths else None
    return {role: dataset.rdflib_graph(role) if dataset else rdflib.Graph() for role in ROLES}


def compare_folders(before: Path, after: Path) -> Diff:
    """Compare two folders; a role (ontology, data, shapes) missing on one side is skipped."""
    old, new = graphs(before), graphs(after)
    skipped = tuple(r for r in ROLES if not ((before / r).is_dir() and (after / r).is_dir()))
    for role in skipped:
        old[role] = new[role] = rdflib.Graph()
    report = compare(old, new)
    report.skipped = skipped
    return report


@contextmanager
def snapshot(spec: str, repo: Path) -> Iterator[Path]:
    """A folder with the version ``spec``: itself if a folder, else a git checkout of it.

    :raises SnapshotError: when ``spec`` is neither.
    """
    if Path(spec).is_dir():
        yield Path(spec)
        return
    if spec.startswith("-"):
        raise SnapshotError(f"{spec}: not a folder nor a git revision")
    git = ["git", "-C", str(repo)]
    names = subprocess.run(
        [*git, "ls-tree", "--name-only", f"{spec}^{{tree}}"], capture_output=True, text=True
    )
    if names.returncode != 0:
        raise SnapshotError(f"{spec}: not a folder nor a git revision of {repo}")
    wanted = [n for n in names.stdout.split() if n in ROLES]
    with tempfile.TemporaryDirectory(prefix="publisher-diff-") as tmp:
        if wanted:
            archive = subprocess.run(
                [*git, "archive", "--format=tar", spec, "--", *wanted],
                capture_output=True,
                check=True,
            )
            with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
                tar.extractall(tmp, filter="data")
        yield Path(tmp)


def _details(old: set[tuple[str, str]], new: set[tuple[str, str]]) -> tuple[str, ...]:
    return tuple(
        [f"- {p} {o}" for p, o in sorted(old - new)] + [f"+ {p} {o}" for p, o in sorted(new - old)]
    )


def _term_change(old: set[tuple[str, str]], new: set[tuple[str, str]]) -> tuple[str, bool]:
    removed = {p for p, _ in old - new}
    added = {p for p, _ in new - old}
    if (removed | added) & _AXIOMS or removed & _SUPERS:
        return "major", True
    if added - _VERSION:
        return ("minor" if added & _SUPERS else "patch"), False
    return ("patch" if (removed | added) - _VERSION else "none"), False


def compare_ontology(old: rdflib.Graph, new: rdflib.Graph, base: str = BASE) -> list[Change]:
    """Added, removed, renamed and changed terms."""
    ns = rim(base)
    was, now = declared_terms(old, ns), declared_terms(new, ns)
    before, after = descriptions(old, base), descriptions(new, base)
    changes = []
    added = {t: label(new, t) for t in now.keys() - was.keys()}
    for term in sorted(was.keys() - now.keys()):
        name = label(old, term)
        twin = next((t for t, n in added.items() if n and n == name), None)
        if twin is not None:
            added.pop(twin)
        kind, detail = ("renamed", (f"→ {short(twin, base)}",)) if twin else ("removed", ())
        changes.append(Change("ontology", kind, short(term, base), name, "major", True, detail))
    for term in sorted(added):
        changes.append(Change("ontology", "added", short(term, base), added[term], "minor", False))
    for term in sorted(was.keys() & now.keys()):
        a, b = before.get(term, set()), after.get(term, set())
        if a != b:
            level, breaking = _term_change(a, b)
            if level != "none":
                details = _details(a, b)
                changes.append(
                    Change(
                        "ontology",
                        "changed",
                        short(term, base),
                        label(new, term),
                        level,
                        breaking,
                        details,
                    )
                )
    return changes


def compare_data(old: rdflib.Graph, new: rdflib.Graph, base: str = BASE) -> list[Change]:
    """Resources added (minor), removed (major: their IRI breaks) or changed (patch)."""
    before, after = descriptions(old, base), descriptions(new, base)
    changes = []
    for node in sorted(before.keys() - after.keys()):
        changes.append(
            Change("data", "removed", short(node, base), label(old, node), "major", True)
        )
    for node in sorted(after.keys() - before.keys()):
        changes.append(Change("data", "added", short(node, base), label(new, node), "minor", False))
    for node in sorted(before.keys() & after.keys()):
        if before[node] != after[node]:
            details = _details(before[node], after[node])
            level = "patch" if {d[2:].split()[0] for d in details} - {"owl:versionInfo"} else None
            if level:
                changes.append(
                    Change(
                        "data",
                        "changed",
                        short(node, base),
                        label(new, node),
                        level,
                        False,
                        details,
                    )
                )
    return changes


def compare(old: dict[str, rdflib.Graph], new: dict[str, rdflib.Graph], base: str = BASE) -> Diff:
    """The full report between two sets of graphs."""
    old_classes = {short(t, base) for t in declared_terms(old["ontology"], rim(base))}
    is_new = lambda t: t not in old_classes  # noqa: E731
    shape_changes = [
        Change("shapes", "changed", c.shape, None, c.bump, c.breaking, (c.message,))
        for c in compare_shapes(old["shapes"], new["shapes"], is_new, base)
    ]
    changes = compare_ontology(old["ontology"], new["ontology"], base) + shape_changes
    changes += compare_data(old["data"], new["data"], base)
    versions = {
        "ontology": (
            versioning.ontology_version(old["ontology"]),
            versioning.ontology_version(new["ontology"]),
        ),
        "dataset": (
            versioning.dataset_version(old["data"]),
            versioning.dataset_version(new["data"]),
        ),
    }
    return Diff(changes, versions)


_SIGN = {"added": "+", "removed": "-", "changed": "~", "renamed": ">"}


def to_text(diff: Diff) -> str:
    """The report for people: one section per area, one entry per resource."""
    lines = []
    for which, (old, new) in diff.versions.items():
        if old or new:
            lines.append(f"{which} version: {old or '?'} → {new or '?'}")
    for area in ("ontology", "shapes", "data"):
        entries = [c for c in diff.changes if c.area == area]
        if not entries:
            continue
        lines.append(f"\n{area.upper()} ({len(entries)} change(s))")
        for c in entries:
            name = f' "{c.label}"' if c.label else ""
            flag = "  BREAKING" if c.breaking else ""
            lines.append(f"  {_SIGN[c.kind]} {c.resource}{name}  [{c.kind}, {c.bump}]{flag}")
            lines.extend(f"      {d}" for d in c.details[:40])
    if not diff.changes:
        lines.append("No change.")
    if diff.skipped:
        lines.append(f"Not compared (missing on one side): {', '.join(diff.skipped)}.")
    needed = diff.required or "none"
    lines.append(f"\nRequired version bump: {needed} ({len(diff.breaking)} breaking change(s)).")
    ok = diff.version_ok()
    if ok is not None:
        lines.append("Declared ontology version: " + ("sufficient." if ok else "NOT sufficient."))
    return "\n".join(lines)


def release_problems(baseline: Path, current: Path) -> tuple[list[str], Diff]:
    """Why ``current``'s ontology and shapes cannot follow the release in ``baseline``.

    Breaking changes need a higher major version; the version never goes
    back. Data is left out: its changes are reported by ``publisher diff``.
    """
    old, new = graphs(baseline), graphs(current)
    old["data"] = new["data"] = rdflib.Graph()
    report = compare(old, new)
    was, now = report.versions["ontology"]
    if not was or not now:
        return ["no owl:versionInfo on the owl:Ontology to compare"], report
    problems = []
    if versioning.parse(now) < versioning.parse(was):
        problems.append(f"the version went back from {was} to {now}")
    if report.breaking and versioning.parse(now)[0] <= versioning.parse(was)[0]:
        listed = "; ".join(f"{c.resource}: {c.kind} {' '.join(c.details)}" for c in report.breaking)
        problems.append(
            f"{len(report.breaking)} breaking change(s) since release {was} but the version is "
            f"{now}; bump owl:versionInfo and owl:versionIRI to {versioning.bump(was, 'major')} "
            f"(and add it to CHANGELOG.md), or undo: {listed}"
        )
    return problems, report
