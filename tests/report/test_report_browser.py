"""The HTML reports as a person sees them: opened in headless Chromium, screenshotted, no console
messages, and the plots drawn (their mark colours present in the screenshot, not a blank page)."""

import pytest

from conftest import REPO, run_cli
from tests.report.chromium import colour_pixels, hex_rgb, needs_chromium, open_page

pytestmark = needs_chromium


def test_a_broken_page_is_caught_and_a_blank_one_has_no_plot_colour(tmp_path):
    page = tmp_path / "broken.html"
    page.write_text('<!DOCTYPE html><html><body><p>nothing drawn</p><script>notDefined();</script></body></html>')
    messages = open_page(page, tmp_path / "broken.png", width=400, height=300)
    assert any("notDefined" in m for m in messages), messages
    assert colour_pixels(tmp_path / "broken.png", hex_rgb("#3a6fc4")) == 0


def test_estimate_report_renders_its_plots(tmp_path):
    out = tmp_path / "est"
    result = run_cli("estimate", str(REPO / "examples/archs/cnv-w1a1.yaml"), "--board", "pynq-z2", "--fps", "1000", "--out", str(out))
    assert result.returncode == 0, result.stderr
    png = tmp_path / "estimate-report-cnv-w1a1.png"
    assert open_page(out / "report.html", png) == []
    assert colour_pixels(png, hex_rgb("#3a6fc4")) > 1500  # the two speed-cost curves, 24 marks each
    assert colour_pixels(png, hex_rgb("#cc4444")) > 1000  # the bottleneck's cycle bar
    assert colour_pixels(png, hex_rgb("#b8322a")) > 100  # the usable-limit rules


@pytest.mark.slow
def test_lower_report_renders(cnv_cli_run, tmp_path):
    out, _ = cnv_cli_run
    png = tmp_path / "lower-report-cnv-w1a1.png"
    assert open_page(out / "report.html", png) == []
    assert colour_pixels(png, hex_rgb("#4488aa")) > 5000  # cycle bars of 19 nodes
    html = (out / "report.html").read_text()
    assert 'href="dataflow.onnx"' in html and "MVAU_hls_6" in html
