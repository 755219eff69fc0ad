"""Take the network away from the processes that evaluate queries.

The query guard (:mod:`publisher.sparql.analysis`) refuses ``SERVICE`` before
any engine sees it; this is the second layer, for the day the guard is wrong.
A seccomp filter, installed in each forked query worker before it runs a query,
makes ``socket()`` fail with ``EACCES`` for every address family but
``AF_UNIX`` (the worker talks to its parent over a pipe), and turns
``io_uring_setup`` away so no socket can be opened around the filter. The engine
then cannot open a TCP connection, nor resolve a host name: a ``SERVICE`` that
slips past the guard fails inside the engine, and the listener it names gets no
connection at all.

seccomp filters are inherited and cannot be lifted, which is why they go on the
forked workers only, never on the serving process (a remote store needs the
network).
"""

from __future__ import annotations

import errno
import os
import socket

#: Said at start-up, so an operator knows which layers hold.
BOTH_LAYERS = (
    "SPARQL queries: the parser-based guard refuses SERVICE, and query processes "
    "run with no network access (seccomp)"
)
GUARD_ONLY = (
    "SPARQL queries: the parser-based guard refuses SERVICE, but query processes "
    "keep network access here ({reason}); see SECURITY.md"
)
REMOTE = (
    "SPARQL queries: the parser-based guard refuses SERVICE before a query is sent "
    "to the store; the store's own outbound network is its operator's to close "
    "(see SECURITY.md)"
)


def deny_network() -> str | None:
    """Install the filter in this process; ``None`` when it holds, else why not.

    Call it only in a process that will never need the network again.
    """
    try:
        import pyseccomp as seccomp
    except (ImportError, OSError) as error:  # no libseccomp on this system
        return f"seccomp unavailable: {type(error).__name__}"
    try:
        rules = seccomp.SyscallFilter(seccomp.ALLOW)
        refused = seccomp.ERRNO(errno.EACCES)
        rules.add_rule(refused, "socket", seccomp.Arg(0, seccomp.NE, socket.AF_UNIX))
        rules.add_rule(refused, "socketcall")  # the 32-bit x86 entry to every socket call
        rules.add_rule(seccomp.ERRNO(errno.ENOSYS), "io_uring_setup")
        rules.load()
    except (OSError, RuntimeError, ValueError) as error:
        return f"seccomp filter not loaded: {type(error).__name__}"
    return None if network_denied() else "seccomp filter loaded but sockets still open"


def network_denied() -> bool:
    """Whether this process can no longer open an internet socket."""
    try:
        probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    except PermissionError:
        return True
    probe.close()
    return False


def probe() -> str | None:
    """Whether query workers will run without network: ``None`` if so, else why not.

    Tried in a throwaway fork, because a filter cannot be removed once loaded.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the fork
        os.close(read_end)
        reason = deny_network() or ""
        os.write(write_end, reason.encode()[:512])
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as answer:
        reason = answer.read().decode()
    os.waitpid(pid, 0)
    return reason or None


def describe(store: str) -> str:
    """One line for the start-up log: which layers stand between a query and the network."""
    if store != "embedded":
        return REMOTE
    reason = probe()
    return BOTH_LAYERS if reason is None else GUARD_ONLY.format(reason=reason)
