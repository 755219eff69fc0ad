"""nginx rules that serve an export like the app does: 303s and content negotiation.

The file goes inside nginx's ``http { }`` block (``include .../nginx.conf;``).
``/id/x`` answers 303 to ``/doc/x`` (or ``/doc/x.ttl`` when ``Accept`` names an
RDF format); ``/doc/x`` picks ``doc/x.{ext}`` by ``Accept`` and, for HTML, the
``?lang=`` or ``Accept-Language`` translation (``doc/x.{lang}.html``,
``doc/x.accept-{lang}.html``, see :mod:`publisher.deploy.export`); fixed ``.ext`` URLs are
files. nginx cannot weigh q-values: the first media type of
the table below that ``Accept`` mentions wins, RDF types before HTML, so
browsers get HTML and RDF clients get RDF; a type nothing matches gets 406.
"""

from __future__ import annotations

import re
from pathlib import Path

from publisher.rdf.formats import HTML, RDF, RESOURCE
from publisher.rdf.vocabulary import LANGUAGES

#: Extensions besides the resource formats that an export contains.
OTHER_TYPES = {
    "text/plain": "txt",
    "text/css": "css",
    "application/xml": "xml",
    "application/json": "json",
    "application/javascript": "js",
    "image/svg+xml": "svg",
    "image/png": "png",
    "image/x-icon": "ico",
}


def _pattern(media_types: tuple[str, ...]) -> str:
    # application/xml is an alias of RDF/XML for us, but browsers send it for XHTML.
    wanted = [m for m in media_types if m != "application/xml"]
    return "~*(" + "|".join(re.escape(m) for m in wanted) + ")"


# Long: most of it is the nginx configuration itself, one template to read whole.
def site_config(root: Path, listen: str = "8080", server_name: str = "_") -> str:
    """The ``map`` tables and the ``server`` block for an export in ``root``."""
    offered = ", ".join(f.media_type for f in RESOURCE)
    rdf_lines = "\n".join(f'    "{_pattern(f.media_types)}" {f.extension};' for f in RDF)
    html = f'    "{_pattern((*HTML.media_types, "*/*", "text/*"))}" html;'
    types = "\n".join(
        [f"    {f.media_type} {f.extension};" for f in RESOURCE]
        + [f"    {media_type} {ext};" for media_type, ext in OTHER_TYPES.items()]
    )
    languages = "\n".join(f"    {lang} {lang};" for lang in LANGUAGES)
    header_languages = "\n".join(f'    "~*^\\s*{lang}" {lang};' for lang in LANGUAGES)
    choices = "|".join(LANGUAGES)
    charset_types = " ".join(f.media_type for f in RESOURCE if f is not HTML)
    headers = (
        "        add_header Access-Control-Allow-Origin * always;\n"
        '        add_header Cache-Control "public, max-age=300" always;'
    )
    return f"""# Written by `publisher export`: include this file inside nginx's http {{ }} block.

# The document format Accept asks for ("" when nothing offered fits: 406).
map $http_accept $publisher_ext {{
    default "";
    "" html;
{rdf_lines}
{html}
}}
# The RDF format Accept names, for /id/ redirects ("" means the HTML page).
map $http_accept $publisher_rdf {{
    default "";
{rdf_lines}
}}
map $arg_lang $publisher_arg_lang {{
    default "";
{languages}
}}
map $http_accept_language $publisher_header_lang {{
    default "";
{header_languages}
}}
# ?lang= wins over Accept-Language; each has its own page (links keep ?lang).
map "$publisher_arg_lang|$publisher_header_lang" $publisher_lang {{
    default "";
    "~^(?<publisher_pick>{choices})\\|" $publisher_pick;
    "~^\\|(?<publisher_pick2>{choices})$" accept-$publisher_pick2;
}}

server {{
    listen {listen};
    server_name {server_name};
    root {root.resolve()};
    absolute_redirect off;
    charset utf-8;
    charset_types text/plain text/css application/xml {charset_types};
    types {{
{types}
    }}
    default_type application/octet-stream;

    # A thing is not a document: 303 to the document about it.
    location ~ ^/id/(?<publisher_thing>.+)$ {{
{headers}
        add_header Vary Accept always;
        if (!-f $document_root/doc/$publisher_thing.html) {{
            return 404;
        }}
        if ($publisher_rdf = "") {{
            return 303 /doc/$publisher_thing$is_args$args;
        }}
        return 303 /doc/$publisher_thing.$publisher_rdf;
    }}

    # FHIR metadata and reads are files; FHIR search stays on a running publisher.
    location ~ ^/fhir/(?<publisher_fhir>metadata|[A-Za-z]+/[A-Za-z0-9-]+)$ {{
{headers}
        types {{ }}
        default_type application/fhir+json;
        try_files /fhir/$publisher_fhir.json =404;
    }}

    # Files as they are, else the negotiated variant, else the folder's index page.
    location / {{
{headers}
        add_header Vary "Accept, Accept-Language" always;
        try_files $uri $uri.$publisher_lang.$publisher_ext $uri.$publisher_ext
                  $uri/index.$publisher_lang.html $uri/index.html @publisher_unmatched;
    }}

    # A page exists but not in any format Accept allows: 406 with the list.
    location @publisher_unmatched {{
{headers}
        default_type text/plain;
        if (-f $request_filename.html) {{
            return 406 "Not acceptable: this document is offered as {offered}\\n";
        }}
        return 404;
    }}
}}
"""
