"""Rural-line benchmark: the map, a territory page and the measure form in Chromium on an
emulated slow line, for a first visit (empty cache) and a repeat visit (the same browser).

Run by hand (it is outside the default test run):

    python tests/benchmarks/rural_bench.py [--geo-dir instance/geography] [--runs 3]

The app runs on loopback (Werkzeug's threaded server) on a temporary SQLite database with
the territories and the demo data, and the built national boundaries of `--geo-dir` (or
`TRACKER_GEO_CACHE_DIR`). Chromium's network is emulated through CDP
(`Network.emulateNetworkConditions`): 1 Mbit/s down, 384 kbit/s up, 300 ms round trip;
base-map tiles (from outside) are blocked. Each page is visited once unthrottled first, so
the server's own per-process work (reading the boundaries, encoding them) is not counted.

Time to the first view: for the map, from the start of navigation until the commune layer
is drawn (its container's `data-loaded-commune` attribute, set once the features are on
the map); for the other pages, the load event. The load event of the map is printed too.
Bytes on the wire: the encoded bytes of every response (headers and body) the page
received from the network until then, as CDP counts them; answers from the browser's
cache count nothing. Targets: the map's first view at most 2.0 s and 150 KB, its repeat
view at most 0.8 s with no request for a versioned asset; other pages' first view at most
1.0 s. The median of `--runs` runs is printed.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import statistics
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_app import make_app  # noqa: E402

# 1 Mbit/s down, 384 kbit/s up (in bytes per second), 300 ms round trip.
RURAL_LINE = {
    "offline": False,
    "latency": 300,
    "downloadThroughput": 1_000_000 / 8,
    "uploadThroughput": 384_000 / 8,
}
# The base map's tiles come from outside: never fetched.
BLOCKED = ["*tile.openstreetmap.org*", "https://*", "http://localhost*"]
FIGUIG = "02.251.01.03"
OFFICER, PASSWORD = "rural.officer@example.org", "a long and rural passphrase"
# A file name carrying a content hash: a versioned asset, never to be asked for again.
VERSIONED = re.compile(r"/(?:static|assets|map/topology)/.*\.[0-9a-f]{10,12}\.[a-z]+$")
COMMUNES_DRAWN = "() => document.querySelector('[data-loaded-commune]') && performance.now()"


def demo_app(work: Path, geo_dir: Path):
    """The app on a fresh SQLite database with the territories, the demo data and an
    officer of Figuig, on the boundaries of `geo_dir`."""
    database = f"sqlite:///{work / 'rural.sqlite3'}"
    app = make_app(database, work, GEO_CACHE_DIR=str(geo_dir))
    from tracker.accounts import create_user
    from tracker.demo import load_demo
    from tracker.extensions import db

    with app.app_context():
        load_demo(progress=lambda line: None)
        create_user(OFFICER, PASSWORD, "officer", [FIGUIG])
        db.session.commit()
    return app


def serve(app) -> str:
    """Serve `app` on loopback in a thread; its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}"


@dataclass
class Visit:
    """One page load: its time to the first view (s), the load event's (s), the bytes and
    the network requests it made, and those of them for a versioned asset."""

    seconds: float
    load_seconds: float
    bytes: int
    requests: int
    versioned: list[str] = field(default_factory=list)
    fetched: dict[str, int] = field(default_factory=dict)


class Wire:
    """What a page fetched from the network, as CDP reports it."""

    def __init__(self, cdp):
        self.urls: dict[str, str] = {}
        self.cached: set[str] = set()
        self.sizes: dict[str, int] = {}
        cdp.on("Network.requestWillBeSent", self.sent)
        cdp.on("Network.responseReceived", self.received)
        cdp.on("Network.requestServedFromCache", lambda e: self.cached.add(e["requestId"]))
        cdp.on("Network.loadingFinished", self.finished)

    def sent(self, event):
        self.urls[event["requestId"]] = event["request"]["url"]

    def received(self, event):
        response = event["response"]
        if response.get("fromDiskCache") or response.get("fromPrefetchCache"):
            self.cached.add(event["requestId"])

    def finished(self, event):
        self.sizes[event["requestId"]] = int(event["encodedDataLength"])

    def network(self) -> dict[str, int]:
        """URL → bytes of every request answered by the network (not the cache)."""
        return {
            self.urls[r]: size
            for r, size in self.sizes.items()
            if r in self.urls and r not in self.cached and not self.urls[r].startswith("data:")
        }


def visit(context, url: str, drawn: str | None, throttled: bool = True) -> Visit:
    """Load `url` in a new page of `context` on the rural line; wait for `drawn` (a script
    answering the time of the first view, or None for the load event)."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    # Blocked through CDP: Playwright's own routing would turn the browser's cache off.
    cdp.send("Network.setBlockedURLs", {"urls": BLOCKED})
    if throttled:
        cdp.send("Network.emulateNetworkConditions", RURAL_LINE)
    wire = Wire(cdp)
    page.goto(url, wait_until="load", timeout=120_000)
    load = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd")
    first = page.wait_for_function(drawn, timeout=120_000).json_value() if drawn else load
    page.wait_for_timeout(200)  # the last loadingFinished events
    fetched = wire.network()
    page.close()
    return Visit(
        seconds=first / 1000,
        load_seconds=load / 1000,
        bytes=sum(fetched.values()),
        requests=len(fetched),
        versioned=[u for u in fetched if VERSIONED.search(urlsplit(u).path)],
        fetched=fetched,
    )


def sign_in(context, base: str) -> None:
    page = context.new_page()
    page.goto(f"{base}/login?lang=fr")
    page.fill("input[name=email]", OFFICER)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state("load")
    page.close()


PAGES = [
    # name, path, signed in, what the first view waits for, first-view targets (s, bytes)
    ("map", "/map?lang=fr", False, COMMUNES_DRAWN, (2.0, 150_000)),
    ("territory", f"/territories/{FIGUIG}?lang=fr", False, None, (1.0, None)),
    ("measure form", f"/work/{FIGUIG}/measure/new?lang=fr", True, None, (1.0, None)),
]
REPEAT_TARGET = {"map": 0.8}


def run(browser, base: str) -> dict[str, tuple[Visit, Visit]]:
    """A first and a repeat visit of every page, each page in a browser of its own."""
    results = {}
    for name, path, signed_in, drawn, _ in PAGES:
        context = browser.new_context(locale="fr-FR")
        if signed_in:
            sign_in(context, base)
            # Signing in leaves the stylesheet in the cache: start again from none.
            cdp = context.new_cdp_session(context.pages[0] if context.pages else context.new_page())
            cdp.send("Network.clearBrowserCache")
        first = visit(context, base + path, drawn)
        repeat = visit(context, base + path, drawn)
        context.close()
        results[name] = (first, repeat)
    return results


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def report(runs: list[dict[str, tuple[Visit, Visit]]]) -> None:
    """Print the median of each figure against its target."""
    print(f"\nRural line (1 Mbit/s down, 384 kbit/s up, 300 ms), median of {len(runs)} runs")
    for name, _, _, drawn, (target_s, target_bytes) in PAGES:
        for i, label in enumerate(("first", "repeat")):
            visits = [r[name][i] for r in runs]
            seconds = statistics.median(v.seconds for v in visits)
            load = statistics.median(v.load_seconds for v in visits)
            size = statistics.median(v.bytes for v in visits)
            requests = statistics.median(v.requests for v in visits)
            versioned = max(len(v.versioned) for v in visits)
            what = "layer drawn" if drawn else "load event"
            line = (
                f"  {name:13} {label:6} {seconds:5.2f} s ({what}; load {load:4.2f} s)"
                f"  {size / 1000:6.1f} KB  {requests:3.0f} requests"
            )
            if label == "first":
                line += f"   target {target_s:.1f} s {verdict(seconds <= target_s)}"
                if target_bytes:
                    line += f", {target_bytes // 1000} KB {verdict(size <= target_bytes)}"
            else:
                line += f"   {versioned} versioned re-asked"
                if name in REPEAT_TARGET:
                    ok = seconds <= REPEAT_TARGET[name] and versioned == 0
                    line += f"   target {REPEAT_TARGET[name]:.1f} s, none re-asked {verdict(ok)}"
            print(line)
    for name, (first, _) in runs[-1].items():
        print(f"  {name}, first visit:")
        for url, size in sorted(first.fetched.items(), key=lambda item: -item[1]):
            print(f"    {size / 1000:6.1f} KB  {urlsplit(url).path}")


def layer_sizes(geo_dir: Path) -> None:
    """Print each layer's bytes: the GeoJSON as built, and the topology the map fetches
    (French names), raw, gzipped and with brotli, as the app sends them."""
    import gzip
    import json

    import brotli

    from geo.topology import topology_bytes

    print("\nLayers (bytes: raw / gzipped / brotli)")
    for level in ("region", "province", "commune"):
        raw = (geo_dir / f"{level}.geojson").read_bytes()
        topo = topology_bytes(json.loads(raw), level, properties=("code", "name_fr"))
        sizes = [
            f"{len(b):>9,} / {len(gzip.compress(b, 9)):>7,} / {len(brotli.compress(b)):>7,}"
            for b in (raw, topo)
        ]
        print(f"  {level:9} GeoJSON {sizes[0]}   topology {sizes[1]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_geo = os.environ.get("TRACKER_GEO_CACHE_DIR", str(ROOT / "instance" / "geography"))
    parser.add_argument("--geo-dir", default=default_geo)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    geo_dir = Path(args.geo_dir)
    if not (geo_dir / "commune.geojson").is_file():
        sys.exit(f"no built boundaries in {geo_dir}: pass --geo-dir or TRACKER_GEO_CACHE_DIR")
    from playwright.sync_api import sync_playwright

    from tests.browser.chromium import launch

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as work:
        app = demo_app(Path(work), geo_dir)
        base = serve(app)
        with sync_playwright() as playwright:
            browser = launch(playwright)
            warm = browser.new_context()
            sign_in(warm, base)
            for _, path, _, drawn, _ in PAGES:  # the server's first requests are not timed
                visit(warm, base + path, drawn, throttled=False)
            warm.close()
            runs = [run(browser, base) for _ in range(args.runs)]
            browser.close()
    layer_sizes(geo_dir)
    report(runs)


if __name__ == "__main__":
    main()
