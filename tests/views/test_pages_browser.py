"""Issue 12: pages people read, laid out by a real headless Chromium at 1280 px.

Chromium's ``--dump-dom`` has no way to run a script in a served page, so the
test saves the page the server answered, adds ``<base href>`` (the stylesheet
and links still come from the live server) and a script that measures the
laid-out page into the DOM; ``--dump-dom`` then returns the measurements.
"""

from __future__ import annotations

import html
import json
import re
import struct
import tempfile
from pathlib import Path

import pytest

from tests.deploy.test_live import ARTIFACTS, chromium, fetch
from tests.servers import Publisher

WIDTH = 1280
MEASURE = """<script>
addEventListener("load", () => {
  const rect = (e) => {
    const r = e.getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom];
  };
  const texts = [];
  document.querySelectorAll(".diagram g.class").forEach((g) => {
    const box = rect(g.querySelector("rect"));
    g.querySelectorAll("text").forEach((t) => texts.push({text: t.textContent, box, at: rect(t)}));
  });
  const out = {
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
    main: rect(document.querySelector("main")),
    svg: document.querySelector(".diagram svg") && rect(document.querySelector(".diagram svg")),
    h1: document.querySelector("main h1").textContent,
    quotes: [...document.querySelectorAll("blockquote")].map((q) => q.textContent),
    texts,
  };
  const pre = document.createElement("pre");
  pre.id = "measured";
  pre.hidden = true;
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"""


def measured_page(base: str, path: str, folder: Path) -> Path:
    """The served page, saved with a base URL and the measuring script."""
    status, _, body = fetch(base + path, accept="text/html")
    assert status == 200
    page = body.decode("utf-8").replace("<head>", f'<head><base href="{base}">', 1)
    page = page.replace("</body>", MEASURE + "</body>", 1)
    target = folder / "page.html"
    target.write_text(page, encoding="utf-8")
    return target


def measure(base: str, path: str, shot: Path) -> dict:
    """Lay ``path`` out at WIDTH px: the measurements, and a screenshot saved to ``shot``."""
    with tempfile.TemporaryDirectory() as folder:
        page = measured_page(base, path, Path(folder))
        dom = chromium("--dump-dom", f"--window-size={WIDTH},1000", page.as_uri())
        found = re.search(r'<pre id="measured"[^>]*>(.*?)</pre>', dom, re.S)
        assert found, "the measuring script did not run"
        ARTIFACTS.mkdir(exist_ok=True)
        chromium(f"--screenshot={shot}", f"--window-size={WIDTH},1400", page.as_uri())
    assert png_size(shot)[0] == WIDTH and shot.stat().st_size > 20_000
    return dict(json.loads(html.unescape(found.group(1))))


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def overlap(a: list[float], b: list[float], slack: float = 0.5) -> bool:
    return (
        a[0] + slack < b[2] and b[0] + slack < a[2] and a[1] + slack < b[3] and b[1] + slack < a[3]
    )


@pytest.mark.browser
@pytest.mark.network
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_issue_12_the_ontology_diagram_fits_1280_px_in_chromium(
    live_server: Publisher, lang: str
) -> None:
    shot = ARTIFACTS / f"ontology-{lang}-{WIDTH}.png"
    m = measure(str(live_server), f"ontology?lang={lang}", shot)
    assert WIDTH - 20 <= m["clientWidth"] <= WIDTH
    assert m["scrollWidth"] <= m["clientWidth"], "the page scrolls sideways"
    main_left, _, main_right, _ = m["main"]
    svg_left, _, svg_right, _ = m["svg"]
    assert main_left <= svg_left and svg_right <= main_right
    texts = m["texts"]
    assert len(texts) > 30
    for text in texts:
        left, top, right, bottom = text["at"]
        box = text["box"]
        assert box[0] <= left and right <= box[2] and box[1] <= top and bottom <= box[3], text
    for i, text in enumerate(texts):
        for other in texts[i + 1 :]:
            assert not overlap(text["at"], other["at"]), (text, other)


@pytest.mark.browser
@pytest.mark.network
def test_issue_12_a_french_centre_page_in_chromium(live_server: Publisher) -> None:
    m = measure(str(live_server), "doc/centre/frejus?lang=fr", ARTIFACTS / "centre-fr-1280.png")
    assert m["h1"].startswith("Centre d’imagerie")
    assert len(m["quotes"]) == len(set(m["quotes"])) == 1
    assert m["scrollWidth"] <= m["clientWidth"], "the page scrolls sideways"
