"""What goes wrong in a store, one class per HTTP status or CLI exit (a leaf: imports nothing)."""

from __future__ import annotations


class StoreError(Exception):
    """Something went wrong in the store; subclasses map to HTTP statuses."""


class QuerySyntaxError(StoreError):
    """The query is not valid SPARQL 1.1 (HTTP 400)."""


class QueryRefused(StoreError):
    """The query is valid but not allowed here, e.g. an update or a SERVICE (HTTP 400)."""


class QueryTimeout(StoreError):
    """The query ran past its time limit and was stopped (HTTP 503)."""


class QueryResourceLimit(StoreError):
    """The query needed more memory than a query may use and was stopped (HTTP 503)."""


class StoreUnavailable(StoreError):
    """The backend cannot be reached or failed (HTTP 502)."""


class DatasetMissing(StoreError):
    """The store holds nothing under the base URL being served (``serve`` exits 3)."""


class LoadFailed(StoreError):
    """A load step failed; the message names the step, the graph and the server's answer."""


class LoadLocked(LoadFailed):
    """Another load holds the store's lease for this base URL; nothing was changed."""
