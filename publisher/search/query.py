"""One search request's validated parameters, and how its links are written."""

from __future__ import annotations

from dataclasses import dataclass, field

PAGE_SIZE = 20


@dataclass
class Query:
    """The validated parameters of one search request."""

    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)  # name → IRIs
    raw_filters: dict[str, list[str]] = field(default_factory=dict)
    language: str = "fr"
    language_asked: bool = False
    page: int = 1
    size: int = PAGE_SIZE

    def params(self, **changes: object) -> list[tuple[str, str]]:
        """Query-string pairs for this search with some changed (for links)."""
        values = {"page": self.page, "size": self.size, **changes}
        pairs = [("q", self.text)] if self.text else []
        raw = changes.get("raw_filters", self.raw_filters)
        assert isinstance(raw, dict)
        pairs += [(name, value) for name, values_ in raw.items() for value in values_]
        if "lang" in changes:
            pairs.append(("lang", str(changes["lang"])))
        elif self.language_asked:
            pairs.append(("lang", self.language))
        if values["size"] != PAGE_SIZE:
            pairs.append(("size", str(values["size"])))
        pairs.append(("page", str(values["page"])))
        return pairs
