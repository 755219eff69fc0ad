"""Issue 10 §3: the limiter's arithmetic (with a clock the test holds), its shared
table across processes and threads, and its answers in the app."""

from __future__ import annotations

import functools
import math
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable

import pytest
from flask import Flask

from publisher import Settings
from publisher.fairness.admission import Fairness
from publisher.fairness.policy import Bucket, Limits, SlotView
from publisher.fairness.table import SharedTable
from tests.servers import wait_until

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def limits(**changes: object) -> Limits:
    """The defaults, as the settings give them, with some changed."""
    return Limits.from_settings(Settings(validate=False).with_changes(**changes))


# -- arithmetic -------------------------------------------------------------------------


def test_defaults_follow_the_wikidata_query_service() -> None:
    default = limits()
    assert default.query_time == Bucket(capacity=120.0, rate=1.0)  # 60 s a minute, 120 s burst
    assert default.slots == 6 and default.reserved == 2 and default.per_client == 2
    assert default.errors == Bucket(600, 10.0)


def test_request_rate_refuses_past_the_burst_then_refills() -> None:
    rules = limits(client_requests=2.0, client_request_burst=3)
    account = rules.fresh(now=100.0)
    for _ in range(3):
        account, refusal = rules.admit_request(account)
        assert refusal is None
    account, refusal = rules.admit_request(account)
    assert refusal is not None and (refusal.status, refusal.retry_after) == (429, 1)
    assert account.requests == 0  # a refusal costs nothing
    account = rules.advance(account, now=100.5)  # 0.5 s at 2/s: one token back
    account, refusal = rules.admit_request(account)
    assert refusal is None
    account, refusal = rules.admit_request(account)
    assert refusal is not None


def test_buckets_stop_at_their_capacity() -> None:
    rules = limits()
    account = rules.advance(rules.charge_query(rules.fresh(0.0), 30.0), now=3600.0)
    assert account.query_time == 120.0 and account.requests == 1000


def test_query_time_budget_60_s_a_minute_with_a_120_s_burst() -> None:
    rules = limits()
    idle = SlotView(busy=0, mine=0, earliest_end=0.0)
    account = rules.fresh(now=0.0)
    account = rules.charge_query(account, 119.0)
    assert rules.admit_query(account, idle, 0.0) is None  # 1 s left: may start
    account = rules.charge_query(account, 31.0)  # ran 31 s: 30 s in debt
    refusal = rules.admit_query(account, idle, 0.0)
    assert refusal is not None and refusal.status == 429 and refusal.retry_after == 30
    later = rules.advance(account, now=29.0)
    assert math.isclose(later.query_time, -1.0)
    assert rules.admit_query(later, idle, 29.0) is not None
    assert rules.admit_query(rules.advance(account, now=31.0), idle, 31.0) is None


def test_queries_running_per_client() -> None:
    rules = limits(client_queries=2, query_slots=8)
    account = rules.fresh(0.0)
    assert rules.admit_query(account, SlotView(busy=3, mine=1, earliest_end=0.0), 0.0) is None
    refusal = rules.admit_query(account, SlotView(busy=3, mine=2, earliest_end=0.0), 0.0)
    assert refusal is not None and refusal.status == 429


def test_full_slots_answer_503_until_the_first_query_must_end() -> None:
    rules = limits(query_slots=4)
    refusal = rules.admit_query(rules.fresh(10.0), SlotView(4, 0, earliest_end=12.2), 10.0)
    assert refusal is not None and (refusal.status, refusal.retry_after) == (503, 3)


def test_reserved_slot_goes_to_light_clients_only() -> None:
    rules = limits(query_slots=4, query_slots_reserved=1, query_timeout=5.0)
    last_free = SlotView(busy=3, mine=0, earliest_end=1.0)
    light = rules.charge_query(rules.fresh(0.0), 0.2)
    heavy = rules.charge_query(rules.fresh(0.0), 5.0)  # one whole time limit lately
    assert rules.admit_query(light, last_free, 0.0) is None
    refusal = rules.admit_query(heavy, last_free, 0.0)
    assert refusal is not None and refusal.status == 503
    assert rules.admit_query(heavy, SlotView(busy=2, mine=0, earliest_end=1.0), 0.0) is None
    # One query that ran to the limit keeps a client heavy for a while, not a moment.
    assert rules.admit_query(rules.advance(heavy, now=30.0), last_free, 30.0) is not None
    # Usage fades over a minute (e-folding): after two, the heavy client is light again.
    assert math.isclose(rules.advance(heavy, now=60.0).usage, 5.0 / math.e)
    assert rules.admit_query(rules.advance(heavy, now=120.0), last_free, 120.0) is None
    # A newcomer with no history that already runs a query cannot take the reserve:
    # four new heavy clients at once never fill it before their first query ends.
    running = SlotView(busy=3, mine=1, earliest_end=1.0)
    refusal = rules.admit_query(rules.fresh(0.0), running, 0.0)
    assert refusal is not None and refusal.status == 503


def test_errors_per_minute() -> None:
    rules = limits(client_errors=3)
    account = rules.fresh(0.0)
    for _ in range(3):
        account = rules.charge_error(account)
    _, refusal = rules.admit_request(account)
    assert refusal is not None and (refusal.status, refusal.retry_after) == (429, 20)
    assert rules.admit_request(rules.advance(account, now=20.0))[1] is None


def test_zero_turns_a_limit_off() -> None:
    rules = limits(client_requests=0.0, client_errors=0, client_query_time=0.0, query_slots=0)
    account = rules.charge_query(rules.fresh(0.0), 1e6)
    for _ in range(5):
        account = rules.charge_error(account)
        account, refusal = rules.admit_request(account)
        assert refusal is None
    assert rules.admit_query(account, SlotView(busy=99, mine=0, earliest_end=0.0), 0.0) is None
    assert not limits(
        client_requests=0.0, client_errors=0, client_query_time=0.0, query_slots=0, client_queries=0
    ).enabled


# -- the shared table ---------------------------------------------------------------------


def digest(n: int) -> bytes:
    return n.to_bytes(16, "little")


def test_table_has_a_fixed_size_and_forgets_the_least_recently_seen() -> None:
    table = SharedTable(slots=2, size=16)
    size = os.path.getsize(table.folder / "state")
    rules = limits()
    with table.locked() as view:
        for n in range(1, 200):
            view.store(digest(n), rules.fresh(float(n)))
        kept = [n for n in range(1, 200) if view.account(digest(n)) is not None]
    assert os.path.getsize(table.folder / "state") == size
    assert len(kept) <= 16 and 199 in kept and 1 not in kept


def _contend(table: SharedTable, rounds: int, inside: object, peak: object) -> None:
    """Take and give back slots many times from 4 threads; track the most held at once."""

    def work() -> None:
        for n in range(rounds):
            with table.locked() as view:
                slot = view.take(digest(os.getpid() * 10 + n % 10), 0.0)
            if slot is None:
                continue
            with inside.get_lock():  # type: ignore[attr-defined]
                inside.value += 1  # type: ignore[attr-defined]
                peak.value = max(peak.value, inside.value)  # type: ignore[attr-defined]
            with inside.get_lock():  # type: ignore[attr-defined]
                inside.value -= 1  # type: ignore[attr-defined]
            with table.locked() as view:
                view.give_back(slot)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_slots_are_shared_by_forked_processes_and_their_threads() -> None:
    table = SharedTable(slots=3, size=64)
    fork = multiprocessing.get_context("fork")
    inside, peak = fork.Value("i", 0), fork.Value("i", 0)
    processes = [fork.Process(target=_contend, args=(table, 300, inside, peak)) for _ in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
        assert process.exitcode == 0
    assert 1 <= peak.value <= 3  # 16 threads in 4 processes, never more than 3 slots held
    with table.locked() as view:
        assert view.holders() == []


def _count_errors(table: SharedTable, rounds: int) -> None:
    rules = limits(client_errors=1_000_000)

    def work() -> None:
        for _ in range(rounds):
            with table.locked() as view:
                account = view.account(digest(1))
                assert account is not None
                view.store(digest(1), rules.charge_error(account))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_accounts_lose_no_update_across_processes_and_threads() -> None:
    table = SharedTable(slots=1, size=64)
    with table.locked() as view:
        view.store(digest(1), limits(client_errors=1_000_000).fresh(0.0))
    fork = multiprocessing.get_context("fork")
    processes = [fork.Process(target=_count_errors, args=(table, 500)) for _ in range(4)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
        assert process.exitcode == 0
    with table.locked() as view:
        account = view.account(digest(1))
    assert account is not None and account.errors == 1_000_000 - 4 * 4 * 500


def _hold_a_slot(table: SharedTable, ready: object, release: object) -> None:
    with table.locked() as view:
        view.take(digest(7), 1.0)
    ready.send("held")  # type: ignore[attr-defined]
    release.recv()  # type: ignore[attr-defined]  # blocks until killed


def test_a_slot_whose_process_died_is_reclaimed() -> None:
    table = SharedTable(slots=2, size=64)
    fork = multiprocessing.get_context("fork")
    ready_in, ready_out = fork.Pipe()
    release_in, release_out = fork.Pipe()
    holder = fork.Process(target=_hold_a_slot, args=(table, ready_out, release_in))
    holder.start()
    assert ready_in.recv() == "held"
    with table.locked() as view:
        assert view.holders() == [(digest(7), 1.0)]  # alive: kept
    os.kill(holder.pid or 0, signal.SIGKILL)
    holder.join(10)
    with table.locked() as view:
        assert view.holders() == []  # its lock died with it
        assert view.take(digest(1), 2.0) is not None
        assert view.take(digest(2), 2.0) is not None
    release_out.close()


# -- in the app -----------------------------------------------------------------------------


MakeApp = Callable[..., Flask]


@pytest.fixture()
def make_app(make_app: MakeApp) -> MakeApp:
    """conftest's factory, narrowed: a fresh app per call (its own client budgets) over
    the shipped graph, not validated again (other tests do)."""
    return functools.partial(make_app, validate=False, fresh=True)


def test_a_flood_of_cheap_requests_is_stopped_per_client(make_app: MakeApp) -> None:
    app = make_app(client_requests=0.001, client_request_burst=5)
    client = app.test_client()
    answers = [client.get("/search?q=irm").status_code for _ in range(5)]
    refused = client.get("/search?q=irm")
    assert answers == [200] * 5
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert "too many requests" in refused.get_data(as_text=True)
    other = {"REMOTE_ADDR": "192.0.2.8"}
    assert client.get("/search?q=irm", environ_base=other).status_code == 200
    assert client.get("/healthz").status_code == 200  # pages and health are not limited
    assert client.get("/doc/centre/frejus").status_code == 200


def test_forwarded_addresses_are_ignored_unless_configured(make_app: MakeApp) -> None:
    default = make_app(client_requests=0.001, client_request_burst=2).test_client()
    spoofed = [
        default.get("/search", headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code
        for n in range(3)
    ]
    assert spoofed == [200, 200, 429]  # one peer, one client, whatever the header says
    proxied = make_app(
        client_requests=0.001, client_request_burst=2, client_address_header="X-Forwarded-For"
    ).test_client()
    codes = [
        proxied.get("/search", headers={"X-Forwarded-For": f"6.6.6.6, 198.51.100.{n}"})
        for n in range(3)
    ]
    assert [r.status_code for r in codes] == [200, 200, 200]  # the proxy's entry counts
    same = [proxied.get("/search", headers={"X-Forwarded-For": "198.51.100.9"}) for _ in range(3)]
    assert [r.status_code for r in same] == [200, 200, 429]


def test_errors_per_minute_then_429_and_refusals_are_not_errors(make_app: MakeApp) -> None:
    client = make_app(client_errors=3).test_client()
    bad = [client.get("/sparql?query=SELEC").status_code for _ in range(3)]
    assert bad == [400, 400, 400]
    refused = client.get("/sparql?query=ASK{}", headers={"Accept": "application/json"})
    # 3 a minute: the next one in about 20 s (less if the three were slow to answer).
    assert refused.status_code == 429 and 15 <= int(refused.headers["Retry-After"]) <= 20
    assert refused.get_json()["error"] == "too many failed requests from you"
    fine = {"REMOTE_ADDR": "192.0.2.9"}
    assert client.get("/sparql?query=ASK{}", environ_base=fine).status_code == 200


def test_query_time_is_charged_and_the_budget_answers_429(make_app: MakeApp) -> None:
    app = make_app(query_timeout=0.5, client_query_time=6.0, client_query_time_burst=0.2)
    client = app.test_client()
    assert client.post("/sparql", data={"query": HEAVY}).status_code == 503  # timed out
    refused = client.post("/sparql", data={"query": "ASK {}"})
    # 0.2 s budget, 0.5 s or a little more spent: 0.3 s of debt or more, at 0.1 s a second.
    assert refused.status_code == 429 and 3 <= int(refused.headers["Retry-After"]) <= 10
    assert "budget" in refused.get_data(as_text=True)
    assert client.get("/api/centres-by-modality?modality=mri").status_code == 429
    assert client.get("/search?q=irm").status_code == 200  # search evaluates no query


def test_full_slots_answer_503_at_once_without_queueing(make_app: MakeApp) -> None:
    app = make_app(query_timeout=3.0, query_slots=1)
    fairness: Fairness = app.extensions["publisher-fairness"]
    heavy: list[int] = []
    runner = threading.Thread(
        target=lambda: heavy.append(
            app.test_client().post("/sparql", data={"query": HEAVY}).status_code
        )
    )
    runner.start()
    try:

        def holding() -> bool:
            with fairness.table.locked() as view:
                return bool(view.holders())

        wait_until(holding, 10, "the heavy query holding the slot")
        other = {"REMOTE_ADDR": "192.0.2.10"}
        started = fairness.now()
        busy = app.test_client().post("/sparql", data={"query": "ASK {}"}, environ_base=other)
        waited = fairness.now() - started
    finally:
        runner.join()
    assert heavy == [503]
    assert busy.status_code == 503 and 1 <= int(busy.headers["Retry-After"]) <= 3
    assert "every query slot is busy" in busy.get_data(as_text=True)
    assert waited < 1.0  # refused at once, not queued behind the 3 s query
    again = app.test_client().post("/sparql", data={"query": "ASK {}"}, environ_base=other)
    assert again.status_code == 200  # the slot came back


def test_settings_from_the_environment() -> None:
    settings = Settings.from_env(
        environ={
            "PUBLISHER_QUERY_SLOTS": "8",
            "PUBLISHER_CLIENT_QUERY_TIME": "30",
            "PUBLISHER_CLIENT_ADDRESS_HEADER": "X-Real-IP",
        }
    )
    assert (settings.query_slots, settings.client_query_time) == (8, 30.0)
    assert settings.client_address_header == "X-Real-IP"
