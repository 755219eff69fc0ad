"""Settings: one frozen dataclass, one table of defaults and help texts.

The CLI, the environment (``PUBLISHER_*``) and the docs all read :data:`SETTINGS`,
so a setting is declared once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

#: The software version (the graph has its own, ``owl:versionInfo``).
VERSION = "1.0.0"

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_PATHS: tuple[Path, ...] = (
    PROJECT_ROOT / "ontology",
    PROJECT_ROOT / "data",
    PROJECT_ROOT / "shapes",
)

#: (name, default, help) for every setting.
SETTINGS: tuple[tuple[str, Any, str], ...] = (
    ("base_url", "http://127.0.0.1:8080/", "public base URL; every IRI is minted under it"),
    ("store", "embedded", "'embedded' (pyoxigraph in memory) or a SPARQL query endpoint URL"),
    ("data_paths", DEFAULT_DATA_PATHS, "RDF files or folders to load"),
    ("validate", True, "refuse to serve data that fails the SHACL shapes"),
    (
        "validation_cache",
        "",
        "folder for SHACL results keyed by content hash (default: the user cache; 'off': none)",
    ),
    (
        "store_dir",
        "",
        "folder for an on-disk embedded store kept between runs by content hash (empty: memory)",
    ),
    ("query_timeout", 5.0, "seconds a SPARQL query may run before it is stopped"),
    ("max_query_length", 20_000, "longest SPARQL query accepted, in characters"),
    ("max_result_rows", 10_000, "most rows a SELECT returns; the response says when cut"),
    ("update_url", None, "remote store's SPARQL Update endpoint (default: its convention)"),
    ("graph_store_url", None, "remote store's Graph Store Protocol endpoint"),
    ("license", "https://creativecommons.org/licenses/by/4.0/", "licence of the dataset"),
    ("query_slots", 6, "queries evaluated at once by the whole server; then 503 (0: no limit)"),
    ("query_slots_reserved", 2, "slots kept for clients with little recent query time"),
    ("client_queries", 2, "queries one client may run at once; more are 429 (0: no limit)"),
    ("client_query_time", 60.0, "seconds of query time a client earns per minute (0: no budget)"),
    ("client_query_time_burst", 120.0, "most query time a client can save up, in seconds"),
    ("client_requests", 50.0, "requests/s per client to /sparql, /search, /fragments, /api"),
    ("client_request_burst", 1000, "requests a client may make at once before that rate applies"),
    ("client_errors", 600, "error answers per minute per client on those paths (0: no limit)"),
    ("client_address_header", "", "header your proxy puts the client address in (empty: peer)"),
)


def _default(name: str) -> Any:
    return next(default for key, default, _ in SETTINGS if key == name)


@dataclass(frozen=True)
class Settings:
    """Everything the app needs; built by tests directly, by the CLI from flags."""

    base_url: str = _default("base_url")
    store: str = _default("store")
    data_paths: tuple[Path, ...] = field(default=_default("data_paths"))
    validate: bool = _default("validate")
    validation_cache: str = _default("validation_cache")
    store_dir: str = _default("store_dir")
    query_timeout: float = _default("query_timeout")
    max_query_length: int = _default("max_query_length")
    max_result_rows: int = _default("max_result_rows")
    update_url: str | None = _default("update_url")
    graph_store_url: str | None = _default("graph_store_url")
    license: str = _default("license")
    query_slots: int = _default("query_slots")
    query_slots_reserved: int = _default("query_slots_reserved")
    client_queries: int = _default("client_queries")
    client_query_time: float = _default("client_query_time")
    client_query_time_burst: float = _default("client_query_time_burst")
    client_requests: float = _default("client_requests")
    client_request_burst: int = _default("client_request_burst")
    client_errors: int = _default("client_errors")
    client_address_header: str = _default("client_address_header")

    def __post_init__(self) -> None:
        base = self.base_url if self.base_url.endswith("/") else self.base_url + "/"
        object.__setattr__(self, "base_url", base)
        object.__setattr__(self, "data_paths", tuple(Path(p) for p in self.data_paths))

    def with_changes(self, **changes: Any) -> Settings:
        """A copy with some settings changed (``None`` values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @classmethod
    def from_env(
        cls, prefix: str = "PUBLISHER_", environ: dict[str, str] | None = None
    ) -> Settings:
        """Read ``PUBLISHER_BASE_URL`` and friends; unset names keep their defaults."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(prefix + f.name.upper())
            if raw is None:
                continue
            default = _default(f.name)
            if isinstance(default, bool):
                values[f.name] = raw.strip().lower() in {"1", "true", "yes", "on"}
            elif isinstance(default, int):
                values[f.name] = int(raw)
            elif isinstance(default, float):
                values[f.name] = float(raw)
            elif isinstance(default, tuple):
                values[f.name] = tuple(
                    p for p in raw.split(os.pathsep if f.name == "data_paths" else ",") if p
                )
            else:
                values[f.name] = raw
        return cls(**values)
