"""Issue 10 §3, on a real ``publisher serve``: while 4 clients flood heavy queries,
another client's page, ``/healthz`` and small query are answered, and only the
flooders are refused (429/503 with ``Retry-After``)."""

from __future__ import annotations

import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter

from tests.servers import start_publisher

TIMEOUT = 1.5
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SMALL = (
    "SELECT ?c WHERE {{ ?c a <http://127.0.0.1:{port}/ontology#ImagingCentre> }} "
    "LIMIT 3 # round {n}"
)


def send(url: str, client: str, query: str | None = None) -> tuple[int, str | None, float]:
    """Status, ``Retry-After`` and seconds taken, for one request from ``client``."""
    data = urllib.parse.urlencode({"query": query}).encode() if query else None
    request = urllib.request.Request(url, data=data, headers={"X-Forwarded-For": client})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
            response.read()
            return response.status, response.headers.get("Retry-After"), time.monotonic() - started
    except urllib.error.HTTPError as error:
        error.read()
        return error.code, error.headers.get("Retry-After"), time.monotonic() - started


def test_issue_10_heavy_queries_do_not_starve_other_clients() -> None:
    environ = {
        "PUBLISHER_QUERY_TIMEOUT": str(TIMEOUT),
        "PUBLISHER_QUERY_SLOTS": "3",
        "PUBLISHER_QUERY_SLOTS_RESERVED": "1",
        "PUBLISHER_CLIENT_QUERIES": "1",
        "PUBLISHER_CLIENT_ADDRESS_HEADER": "X-Forwarded-For",
    }
    with start_publisher(workers=8, environ=environ) as base:
        sparql = base + "sparql"
        flooders = [f"10.0.0.{n}" for n in range(1, 5)]
        seen: dict[str, Counter[tuple[int, bool]]] = {c: Counter() for c in flooders}
        changed = threading.Condition()
        stop = threading.Event()

        def flood(client: str) -> None:
            while not stop.is_set():
                status, retry_after, _ = send(sparql, client, HEAVY)
                with changed:
                    seen[client][(status, retry_after is not None)] += 1
                    changed.notify_all()

        threads = [threading.Thread(target=flood, args=(c,)) for c in flooders for _ in range(2)]
        for thread in threads:
            thread.start()
        others: list[tuple[str, int, float]] = []
        try:
            # The flood is on once every flooder has run a query to the time limit (503
            # without Retry-After): until then a flooder is a newcomer like any other.
            with changed:
                assert changed.wait_for(
                    lambda: all(seen[c][(503, False)] > 0 for c in flooders), timeout=60
                )
            port = base.rsplit(":", 1)[1].strip("/")
            for n in range(6):
                for name, url, query in (
                    ("page", base + "doc/centre/frejus", None),
                    ("healthz", base + "healthz", None),
                    ("query", sparql, SMALL.format(port=port, n=n)),
                ):
                    status, _, took = send(url, "10.9.9.9", query)
                    others.append((name, status, took))
        finally:
            stop.set()
            for thread in threads:
                thread.join(60)
    statuses = {status for _, status, _ in others}
    assert statuses == {200}, others
    refused = Counter()
    for counts in seen.values():
        for (status, has_retry_after), n in counts.items():
            assert status in (200, 429, 503)
            if status in (429, 503) and has_retry_after:
                refused[status] += n
    # Each flooder runs one query at a time (its second connection is 429), and heavy
    # clients share only the unreserved slots (503), so the small query found one.
    assert refused[429] > 0 and refused[503] > 0, seen
    latencies = sorted(took for _, _, took in others)
    print(f"others: median {statistics.median(latencies):.3f} s, max {latencies[-1]:.3f} s")
    print(f"flooders: {dict(refused)} refusals; {seen}")
    assert statistics.median(latencies) < TIMEOUT  # not held behind the heavy queries
