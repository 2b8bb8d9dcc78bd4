"""Boards are YAML files in ``boards/``; this module loads one into a frozen :class:`Board`."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path


from hwnas.errors import UserError
from hwnas.resources import data_dir
from hwnas.userfiles import read_yaml

RESOURCE_KINDS = ("lut", "ff", "bram18", "uram", "dsp")
LIMITED_KINDS = ("lut", "bram18", "uram", "dsp")
FAMILIES = ("zynq-7000", "zynq-ultrascale+")
# FINN's defaults in util/platforms.py; a board file may tighten or loosen them.
DEFAULT_LIMITS = {"lut": 0.7, "bram18": 0.8, "uram": 0.8, "dsp": 0.8}


@dataclass(frozen=True)
class Resources:
    lut: int
    ff: int
    bram18: int
    uram: int
    dsp: int


@dataclass(frozen=True)
class Board:
    name: str
    description: str
    part: str
    finn_board: str
    family: str
    clock_mhz: float
    axi_data_width: int
    resources: Resources
    utilisation_limits: dict[str, float]
    vivado_board_part: str = ""  # e.g. xilinx.com:zcu104:part0:1.1; empty: the part alone
    source: str = ""

    def budget(self, kind: str) -> float:
        """The usable amount of one resource: the device total times its utilisation limit."""
        return getattr(self.resources, kind) * self.utilisation_limits[kind]

    def with_clock(self, clock_mhz: float | None) -> Board:
        if clock_mhz is None:
            return self
        if not clock_mhz > 0:
            raise UserError(f"--clock-mhz must be positive, got {clock_mhz}")
        return dataclasses.replace(self, clock_mhz=float(clock_mhz))


def known_boards() -> list[str]:
    return sorted(p.stem for p in data_dir("boards").glob("*.yaml"))


def load_board(name_or_path: str, *, clock_mhz: float | None = None) -> Board:
    """Load a board by its name (``pynq-z2``) or by the path to a YAML file of the same schema."""
    path = Path(name_or_path)
    if path.suffix not in (".yaml", ".yml"):
        path = data_dir("boards") / f"{name_or_path}.yaml"
        if not path.is_file():
            raise UserError(
                f"unknown board {name_or_path!r}; known boards: {', '.join(known_boards())} "
                "(or give the path to a board YAML file)"
            )
    return board_from_dict(read_yaml(path, what="board file"), source=str(path)).with_clock(clock_mhz)


def board_from_dict(raw: object, *, source: str = "<dict>") -> Board:
    def bad(problem: str) -> UserError:
        return UserError(f"board file {source}: {problem}")

    if not isinstance(raw, dict):
        raise bad("expected a mapping of board fields")
    required = ("name", "part", "family", "clock_mhz", "axi_data_width", "resources")
    missing = [key for key in required if key not in raw]
    if missing:
        raise bad(f"missing field(s) {', '.join(missing)}")
    unknown = set(raw) - {*required, "description", "finn_board", "utilisation_limits", "vivado_board_part"}
    if unknown:
        raise bad(f"unknown field(s) {', '.join(sorted(unknown))}")
    if raw["family"] not in FAMILIES:
        raise bad(f"family must be one of {', '.join(FAMILIES)}, got {raw['family']!r}")
    res = raw["resources"]
    if not isinstance(res, dict) or set(res) != set(RESOURCE_KINDS):
        raise bad(f"resources must give exactly {', '.join(RESOURCE_KINDS)}")
    for kind, value in res.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise bad(f"resources.{kind} must be a non-negative integer, got {value!r}")
    if res["lut"] == 0:
        raise bad("resources.lut must be positive")
    limits = {**DEFAULT_LIMITS, **(raw.get("utilisation_limits") or {})}
    if set(limits) != set(LIMITED_KINDS):
        raise bad(f"utilisation_limits takes only {', '.join(LIMITED_KINDS)}")
    for kind, value in limits.items():
        if not isinstance(value, (int, float)) or not 0 < value <= 1:
            raise bad(f"utilisation_limits.{kind} must be in (0, 1], got {value!r}")
    for key in ("clock_mhz", "axi_data_width"):
        if not isinstance(raw[key], (int, float)) or raw[key] <= 0:
            raise bad(f"{key} must be a positive number, got {raw[key]!r}")
    return Board(
        name=str(raw["name"]),
        description=str(raw.get("description", raw["name"])),
        part=str(raw["part"]),
        finn_board=str(raw.get("finn_board", raw["name"])),
        family=raw["family"],
        clock_mhz=float(raw["clock_mhz"]),
        axi_data_width=int(raw["axi_data_width"]),
        resources=Resources(**res),
        utilisation_limits={k: float(v) for k, v in limits.items()},
        vivado_board_part=str(raw.get("vivado_board_part", "")),
        source=source,
    )
