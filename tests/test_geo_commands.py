"""The geography's command line, as an administrator runs it: `geo report` says whether
every commune has its boundary, by its exit status; and `geo/` stays free of Flask."""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

GEO = Path(__file__).resolve().parents[1] / "geo"


def test_geo_report_on_the_national_build_exits_0(app, national_geography):
    app.config["GEO_CACHE_DIR"] = str(national_geography)
    result = app.test_cli_runner().invoke(args=["geo", "report"])
    assert result.exit_code == 0, result.output
    assert "Communes joined: 1,503/1,503" in result.output
    assert "Communes without geometry: none" in result.output


def test_geo_report_exits_1_and_names_a_commune_without_geometry(app, national_geography, tmp_path):
    cache = tmp_path / "copied-geography"
    shutil.copytree(national_geography, cache)
    report = json.loads((cache / "report.json").read_text(encoding="utf-8"))
    report["missing"] = [{"code": "02.251.01.03", "name_fr": "Figuig"}]
    report["communes_joined"] -= 1
    (cache / "report.json").write_text(json.dumps(report), encoding="utf-8")
    app.config["GEO_CACHE_DIR"] = str(cache)
    result = app.test_cli_runner().invoke(args=["geo", "report"])
    assert result.exit_code == 1
    assert "02.251.01.03 Figuig" in result.output


def test_geo_report_before_any_build_says_what_to_run(app, tmp_path):
    app.config["GEO_CACHE_DIR"] = str(tmp_path / "nothing")
    result = app.test_cli_runner().invoke(args=["geo", "report"])
    assert result.exit_code == 1
    assert "geo build" in result.output


def test_geo_imports_neither_flask_nor_the_application():
    for path in GEO.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top not in ("flask", "flask_babel", "flask_sqlalchemy", "tracker"), (
                    path.name,
                    name,
                )
