"""The FIFO cost formula is ours (hwnas.cost.fifos, written from finn-plus's finn/util/resource_models.py):
a canary that it still equals finn-plus's own ``_resolve`` and ``_fifo_cost`` (which FINN's
StreamingFIFO_rtl estimates with) on a grid of depths, widths, styles and parts, so a finn-plus
update that refits them fails here; and that ``hwnas estimate`` runs with FINN unimportable."""

import subprocess
import sys

import pytest

from conftest import REPO
from hwnas.cost.fifos import fifo_cost, fifo_sv_cost, is_versal, ram_style

PARTS = ("xc7z020clg400-1", "xczu7ev-ffvc1156-2-e", "xczu3eg-sbva484-1-e", "xcvc1902-vsva2197-2MP-e-S",
         "xcve2802-vsvh1760-2MP-e-S", "xcv80-lsva4737-2MHP-e-S", "xqrvc1902-vsra2197-1MP-i-L", "xcu250-figd2104-2L-e")
STYLES = ("srl", "distributed", "block", "ultra")


def _depths() -> list[int]:
    edges = {2, 3, 4, 5, 6, 32, 33, 34, 64, 65, 257, 258, 2028, 2029, 262_145}
    for bits in range(1, 19):
        edges |= {(1 << bits) + d for d in (-1, 0, 1, 2, 16, 17, 18)}
    edges |= set(range(2, 70)) | set(range(500, 530)) | {300, 777, 1500, 3000, 5000, 9000, 12_345, 40_000, 100_000}
    return sorted(d for d in edges if d >= 0)


WIDTHS = (1, 2, 3, 4, 5, 7, 8, 9, 11, 12, 16, 17, 18, 19, 24, 32, 35, 36, 37, 40, 48, 64, 71, 72, 73, 96, 128, 144, 200, 256)


def test_fifo_cost_equals_finn_plus_on_a_grid():
    models = pytest.importorskip("finn.util.resource_models")
    from finn.util.basic import is_versal as finn_is_versal

    for part in PARTS:
        assert is_versal(part) == finn_is_versal(part), part
    checked = 0
    for depth in _depths():
        for width in WIDTHS:
            for requested in ("auto", *STYLES):
                assert ram_style(depth, width, requested) == models._resolve(depth, width, requested), (depth, width, requested)
            for style in STYLES:
                for versal in (False, True):
                    theirs = models._fifo_cost(depth, width, style, versal)
                    ours = fifo_sv_cost(depth, width, style, versal=versal)
                    assert ours == (theirs.lut, theirs.bram, theirs.uram), (depth, width, style, versal)
                    checked += 1
    assert checked > 20_000
    # and as the estimate calls it, per part, with and without URAM
    for part in PARTS:
        for depth in (2, 40, 300, 2029, 20_000):
            for width in (8, 72):
                for has_uram in (False, True):
                    style = models._resolve(depth, width, "auto")
                    if style == "ultra" and not has_uram:
                        style = "block"
                    cost = models._fifo_cost(depth, width, style, finn_is_versal(part))
                    assert fifo_cost(depth, width, part, has_uram) == (style, int(cost.lut), int(cost.bram), int(cost.uram))


def test_estimate_runs_without_finn():
    """``hwnas estimate`` with every ``finn`` (and qonnx, onnx) import refused: none is reachable from it."""
    script = (
        "import sys\n"
        "for name in ('finn', 'qonnx', 'onnx'):\n"
        "    sys.modules[name] = None\n"
        "from hwnas.cli import main\n"
        "code = main(['estimate', 'examples/archs/cnv-w1a1.yaml', '--board', 'pynq-z2', '--fps', '1000'])\n"
        "assert code == 0, code\n"
        "code = main(['estimate', 'examples/archs/res-fmnist.yaml', '--board', 'zcu104', '--fps', '2000'])\n"
        "assert code == 0, code\n"
        "assert not [m for m in sys.modules if m.split('.')[0] in ('finn', 'qonnx', 'onnx') and sys.modules[m] is not None]\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "FIFO" in done.stdout or "fifo" in done.stdout.lower()
