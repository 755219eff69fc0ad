"""Keep every worker on the remote store's current dataset.

With a remote store, ``publisher load --to`` swaps new data in behind the
workers' backs. Queries see it at once; what a worker keeps besides (the version
tag behind every ETag, the copy of the dataset for dumps) follows within
:data:`publisher.publication.FOLLOW_INTERVAL` seconds. The embedded store is
reloaded by ``publisher serve`` on SIGHUP instead.
"""

from __future__ import annotations

import logging

from flask import Blueprint

from publisher.app import publication
from publisher.store import StoreError

log = logging.getLogger(__name__)

bp = Blueprint("freshness", __name__)


@bp.before_app_request
def follow_the_store() -> None:
    try:
        publication().follow()
    except StoreError as error:  # the request itself will report the store's state
        log.warning("could not check the store's version: %s", error)
