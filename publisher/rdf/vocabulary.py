"""What every layer agrees on about the graph's words: its languages and slugs.

Pages, exports, the API's ``lang`` parameter and the linter all read these, so a
third language or a looser slug is one edit here.

>>> import re
>>> bool(re.fullmatch(SLUG, "ct-scanner")), bool(re.fullmatch(SLUG, "-ct"))
(True, False)
"""

from __future__ import annotations

#: Languages pages and labels are written in, the default first.
LANGUAGES = ("fr", "en")

#: The last segment of a minted IRI, ``id/{kind}/{slug}``.
SLUG = r"[a-z0-9][a-z0-9-]*"
