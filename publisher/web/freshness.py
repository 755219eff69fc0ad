"""Keep every worker on the remote store's current dataset.

With a remote store, ``publisher load --to`` swaps new data in behind the
workers' backs. Queries see it at once; what a worker keeps besides (the version
tag behind every ETag, the copy of the dataset for dumps) follows within
:data:`publisher.graph.publication.FOLLOW_INTERVAL` seconds, checked in the background
so that no request waits for it. The embedded store is reloaded by
``publisher serve`` on SIGHUP instead.
"""

from __future__ import annotations

from flask import Flask

from publisher.web.context import publication


def register(app: Flask) -> None:
    app.before_request(follow_the_store)


def follow_the_store() -> None:
    publication().follow()
