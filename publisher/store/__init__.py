"""Where the published dataset is queried: the :class:`Store` interface and its errors.

The backends (:mod:`.embedded`, :mod:`.remote`) are imported only where one is
chosen, by :func:`publisher.store.choose.open_store`.
"""

from __future__ import annotations

from publisher.store.base import Row as Row
from publisher.store.base import Store as Store
from publisher.store.errors import QueryRefused as QueryRefused
from publisher.store.errors import QueryResourceLimit as QueryResourceLimit
from publisher.store.errors import QuerySyntaxError as QuerySyntaxError
from publisher.store.errors import QueryTimeout as QueryTimeout
from publisher.store.errors import StoreError as StoreError
from publisher.store.errors import StoreUnavailable as StoreUnavailable
