"""The dbt docs site and the HTML report, opened in a real browser (headless Chromium):
every node, column and macro described, the exposures present, the lineage graph and the
reconciliation models' pages rendered, and the report's chart and tables on screen.
Screenshots are kept in target/screenshots/ (ignored by git) for a person to look at."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from pytests.cases import shipped_build
from pytests.dbt_harness import PROJECT_DIR, Build, require
from recon import report
from recon.cli import release_warehouse

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = PROJECT_DIR / "target" / "screenshots"
MARTS = [
    "recon_summary",
    "recon_delta_files",
    "recon_platform_vs_rebuilt",
    "recon_load_hypotheses",
    "recon_client_vs_platform",
    "recon_client_vs_rebuilt",
]
EXPOSURES = ["thank_you_campaign", "reconciliation_emails"]


def chromium(url: str, profile: Path, screenshot: Path | None = None,
             size: tuple[int, int] = (1400, 900)) -> str:
    """The page's DOM after its scripts ran (or, with screenshot, a PNG of it)."""
    require(CHROMIUM, "Chromium (apt-get install chromium)")
    profile.mkdir(parents=True, exist_ok=True)
    args = [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={profile}", "--virtual-time-budget=15000",
        f"--window-size={size[0]},{size[1]}", "--hide-scrollbars",
    ]
    args += [f"--screenshot={screenshot}"] if screenshot else ["--dump-dom"]
    result = subprocess.run(args + [url], capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    if screenshot:
        assert screenshot.exists(), result.stderr[-2000:]
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(screenshot, SCREENSHOTS / screenshot.name)
    return result.stdout


def visible_text(dom: str) -> str:
    """What the page shows as text: no scripts, styles or tags, whitespace collapsed."""
    dom = re.sub(r"<(script|style)\b.*?</\1>", " ", dom, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", dom)))


def colours(png: Path) -> int:
    with Image.open(png) as image:
        return len(image.convert("RGB").getcolors(maxcolors=1 << 20) or [])


@pytest.fixture(scope="module")
def docs_site(tmp_path_factory) -> tuple[Build, Path]:
    """The shipped replica built, then `dbt docs generate --static` on a copy of that
    warehouse (dbt opens it to write)."""
    from dbt.cli.main import dbtRunner

    workdir = tmp_path_factory.mktemp("docs")
    build = shipped_build(tmp_path_factory).copied_to(workdir)
    previous = os.environ.get("DBT_DUCKDB_PATH")
    os.environ["DBT_DUCKDB_PATH"] = str(build.database)
    try:
        result = dbtRunner().invoke([
            "docs", "generate", "--static",
            "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
            "--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs"),
            "--quiet",
        ])
    finally:
        release_warehouse()
        if previous is None:
            os.environ.pop("DBT_DUCKDB_PATH", None)
        else:
            os.environ["DBT_DUCKDB_PATH"] = previous
    assert result.success, result.exception
    site = workdir / "target" / "static_index.html"
    assert site.exists()
    return build, workdir / "target"


def test_every_node_column_and_macro_is_described(docs_site) -> None:
    _, target = docs_site
    manifest = json.loads((target / "manifest.json").read_text())
    catalog = json.loads((target / "catalog.json").read_text())
    missing = []
    for unique_id, node in manifest["nodes"].items():
        if node["package_name"] != "reconcile":
            continue
        if node["resource_type"] == "operation":
            # a hook has no description of its own: the macros it calls have theirs
            own = [m for m in node["depends_on"]["macros"] if m.startswith("macro.reconcile.")]
            assert own, unique_id
            missing += [m for m in own if not manifest["macros"][m].get("description", "").strip()]
            continue
        if not node.get("description", "").strip():
            missing.append(unique_id)
        if node["resource_type"] in ("model", "seed"):
            documented = node["columns"]
            for column in catalog["nodes"].get(unique_id, {}).get("columns", {}):
                if not documented.get(column, {}).get("description", "").strip():
                    missing.append(f"{unique_id}.{column}")
    for unique_id, macro in manifest["macros"].items():
        if macro["package_name"] == "reconcile" and not macro.get("description", "").strip():
            missing.append(unique_id)
    for collection in ("sources", "exposures", "unit_tests"):
        for unique_id, node in manifest.get(collection, {}).items():
            if node.get("package_name") == "reconcile" and not node.get("description", "").strip():
                missing.append(unique_id)
    assert missing == [], f"{len(missing)} undescribed in the docs: {missing}"


def test_exposures_name_what_the_marts_feed(docs_site) -> None:
    _, target = docs_site
    manifest = json.loads((target / "manifest.json").read_text())
    exposures = {e["name"]: e for e in manifest["exposures"].values()}
    assert sorted(exposures) == sorted(EXPOSURES)
    for exposure in exposures.values():
        assert "model.reconcile.recon_summary" in exposure["depends_on"]["nodes"]


def test_lineage_graph_shows(docs_site, tmp_path) -> None:
    _, target = docs_site
    url = (target / "static_index.html").as_uri() + "#!/overview?g_v=1"
    dom = chromium(url, tmp_path / "profile")
    # the graph opened full screen, and cytoscape drew its canvases into it
    assert re.search(r'class="launcher[^"]*\bon\b[^"]*" data-launcher="fullscreen"', dom)
    graph = dom[dom.index('id="cy"'):]
    assert re.search(r'<canvas[^>]*data-id="layer2-node"[^>]*width="[1-9]\d+"', graph)
    shot = tmp_path / "docs_lineage_graph.png"
    chromium(url, tmp_path / "profile", screenshot=shot)
    assert colours(shot) > 50, "the lineage graph screenshot is blank"


@pytest.mark.parametrize("model", MARTS)
def test_reconciliation_model_page_shows(docs_site, tmp_path, model) -> None:
    _, target = docs_site
    manifest = json.loads((target / "manifest.json").read_text())
    catalog = json.loads((target / "catalog.json").read_text())
    unique_id = f"model.reconcile.{model}"
    url = (target / "static_index.html").as_uri() + f"#!/model/{unique_id}"
    text = visible_text(chromium(url, tmp_path / "profile"))
    assert f"marts.{model}" in text  # the relation, on the model's Details
    description = " ".join(manifest["nodes"][unique_id]["description"].split()[:6])
    assert description in text
    for column in catalog["nodes"][unique_id]["columns"]:
        assert f" {column} " in text, column
    if model == "recon_summary":
        chromium(url, tmp_path / "profile", screenshot=tmp_path / "docs_recon_summary.png")


@pytest.mark.parametrize("exposure", EXPOSURES)
def test_exposure_page_shows(docs_site, tmp_path, exposure) -> None:
    _, target = docs_site
    manifest = json.loads((target / "manifest.json").read_text())
    node = manifest["exposures"][f"exposure.reconcile.{exposure}"]
    url = (target / "static_index.html").as_uri() + f"#!/exposure/exposure.reconcile.{exposure}"
    text = visible_text(chromium(url, tmp_path / "profile"))
    assert " ".join(node["description"].split()[:6]) in text
    assert "recon_summary" in text


def test_html_report_shows_the_chart_and_the_tables(docs_site, tmp_path) -> None:
    build, _ = docs_site
    page = PROJECT_DIR / "reports" / report.HTML_REPORT
    require(page, "the committed HTML report")
    dom = chromium(page.as_uri(), tmp_path / "profile")
    summary = build.one("select * from marts.recon_summary")
    summary["root_cause"] = report.root_cause(summary)
    files = [f for (f,) in build.query(
        "select source_file from marts.recon_delta_files order by file_position")]
    text = visible_text(dom)
    words = report.cause_in_words(
        summary["cause"], summary["files_not_loaded"], summary["files_partially_loaded"])
    assert words == "one delta file never loaded"
    assert words in text and summary["root_cause"] in text
    chart = re.search(r'<figure id="chart">(.*?)</figure>', dom, re.S).group(1)
    assert "<svg" in chart and all(f">{name}<" in chart for name in files)
    rows = re.findall(r"<tr[^>]*><td>(\w+)</td>", re.search(
        r'<table id="files">(.*?)</table>', dom, re.S).group(1))
    assert rows == files
    shot = tmp_path / "reconciliation_report.png"
    chromium(page.as_uri(), tmp_path / "profile", screenshot=shot, size=(1200, 2400))
    assert colours(shot) > 50


def test_front_page_shows_the_gap_over_the_builds(docs_site, tmp_path) -> None:
    build, target = docs_site
    chart = report.write_docs_history_chart(
        build.database, target / "assets" / report.HISTORY_CHART_PNG)
    summary = build.one("select spend_gap, cause from marts.recon_summary")
    [point] = report.read_chart_data(chart)["builds"]
    assert (point["spend_gap"], point["cause"]) == (summary["spend_gap"], summary["cause"])
    url = (target / "static_index.html").as_uri() + "#!/overview"
    dom = chromium(url, tmp_path / "profile")
    assert f'src="assets/{report.HISTORY_CHART_PNG}"' in dom
    # the image drawn on the page: its red point (a gap) is on the screenshot
    shot = tmp_path / "docs_front_page.png"
    chromium(url, tmp_path / "profile", screenshot=shot, size=(1400, 1800))
    with Image.open(shot) as image:
        red = sum(1 for r, g, b, *_ in image.convert("RGB").getdata()
                  if abs(r - 0xD3) < 12 and abs(g - 0x2F) < 12 and abs(b - 0x2F) < 12)
    assert red > 20, "the chart of the gap over the builds is not on the front page"
