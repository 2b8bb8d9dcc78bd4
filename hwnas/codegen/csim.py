"""C-simulation with g++: find the arbitrary-precision headers, compile, run."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from hwnas.errors import UserError

HLS_HEADERS = ("ap_int.h", "hls_stream.h")


def ap_types_include_dir() -> Path:
    """AMD's Apache-2.0 ``ap_int.h`` / ``hls_stream.h``, shipped in the hls4ml wheel."""
    import importlib.util

    spec = importlib.util.find_spec("hls4ml")
    if spec is None or spec.origin is None:
        raise UserError(
            "C-simulation needs AMD's arbitrary-precision headers (ap_int.h, hls_stream.h), which "
            "hwnas takes from the hls4ml package; install it with `pip install hls4ml==1.3.0`"
        )
    include = Path(spec.origin).parent / "templates" / "vivado" / "ap_types"
    missing = [name for name in HLS_HEADERS if not (include / name).is_file()]
    if missing:
        raise UserError(
            f"the hls4ml package at {Path(spec.origin).parent} lacks {', '.join(missing)} under "
            f"{include}; reinstall hls4ml (`pip install --force-reinstall hls4ml==1.3.0`)"
        )
    return include


def compiler() -> str:
    cxx = shutil.which("g++")
    if cxx is None:
        raise UserError("C-simulation needs g++ on PATH (Debian: `apt-get install g++`)")
    return cxx


def compile_cpp(
    source: Path, output: Path, *, include_dirs: list[Path], defines: dict[str, int] | None = None, opt: str = "-O1"
) -> Path:
    """Compile one C++ file into an executable."""
    cmd = [compiler(), "-std=c++14", opt, "-w", "-o", str(output), str(source)]
    cmd += [f"-I{d}" for d in include_dirs]
    cmd += [f"-D{k}={int(v)}" for k, v in (defines or {}).items()]
    subprocess.run(cmd, check=True, cwd=output.parent)
    return output


def run_csim(project: Path, *, hls_include: Path | None = None) -> str:
    """``make csim`` in a generated project; returns its output (raises CalledProcessError on failure)."""
    cmd = ["make", "--no-print-directory", "csim"]
    if hls_include is not None:
        cmd.append(f"HLS_INCLUDE={hls_include}")
    result = subprocess.run(cmd, check=True, cwd=project, capture_output=True, text=True)
    return result.stdout
