"""``hwnas search --strategy differentiable``: DARTS over the cell space with a hardware cost term.

The macro network (stages, cells per stage, widths) is fixed: given, or the largest of the budget's
ladder that fits the board at the target. The search network (``darts_net``) trains its binary
weights on the training images and the architecture weights on the validation images, alternating
each step (first-order DARTS), after a warm-up of weights alone. What binary search needs to avoid
collapse, each an option on by default:

* ``anneal_temperature`` (BATS): the softmax over ops runs at a temperature annealed from soft to
  sharp over the search, so the ops are weighed evenly while the weights are young;
* ``diversity`` (BNAS): for the first part of the search the alphas' loss rewards the entropy of
  each edge's op weights, so no op takes over early;
* ``max_skips`` (BARS): when deriving, at most that many skips per cell.

The hardware term (``darts_cost``) adds the expected LUT and cycles under the current weights to
the alphas' loss; after every epoch the derived network is checked exactly (``judge``), and the
term's weight doubles while it does not fit. The chosen network is then made to fit (weakest
parametric edges zeroised), trained from scratch, lowered and reported as the evolution search's
best network is. Every epoch's state is saved, so a killed search resumes after its last epoch.
"""

from __future__ import annotations

import dataclasses
import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from hwnas.arch.spec import ImageInput, save_arch
from hwnas.errors import UserError
from hwnas.logs import logging_to_file
from hwnas.search.cells import OPS, CellSpace, genotype_of
from hwnas.search.darts_derive import uniform_cells
from hwnas.search.space import SearchSpace
from hwnas.search.study import judge

if TYPE_CHECKING:
    from hwnas.search.final import SearchOutcome
    from hwnas.search.settings import SearchSettings

# (stage widths, cells per stage), largest first; quick keeps to what 2 CPU cores search in minutes
MACROS = {
    "quick": (((16, 32), (1, 1)), ((16,), (1,)), ((8,), (1,))),
    "standard": (((32, 64), (2, 2)), ((32, 64), (1, 1)), ((16, 32), (1, 1)), ((16,), (1,)), ((8,), (1,))),
}


@dataclass(frozen=True)
class DartsOptions:
    stage_widths: tuple[int, ...] | None = None  # None: the budget's macro ladder
    stage_cells: tuple[int, ...] | None = None
    anneal_temperature: bool = True  # BATS
    temperature: tuple[float, float] = (5.0, 0.5)  # from, to; 1 throughout when not annealed
    diversity: bool = True  # BNAS
    diversity_weight: float = 0.2
    diversity_share: float = 0.5  # of the search's epochs
    max_skips: int | None = 1  # BARS, per cell; None: no cap
    hardware_weight: float = 1.0
    lut_share: float = 1.0  # the expected LUT's hinge, as a share of the board's usable LUT
    warmup_epochs: int = 1  # weights alone before the alphas move (0 for searches of one epoch)
    weight_lr: float = 1e-2
    alpha_lr: float = 6e-3
    batch_size: int = 128

    def temperature_at(self, epoch: int, epochs: int) -> float:
        if not self.anneal_temperature:
            return 1.0
        start, end = self.temperature
        return start * (end / start) ** (epoch / max(1, epochs - 1))

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def macro_point(widths: tuple[int, ...], cells: tuple[int, ...]) -> dict[str, Any]:
    point: dict[str, Any] = {"stages": len(widths), "head_layers": 0}
    for s, (width, count) in enumerate(zip(widths, cells)):
        point[f"s{s}_width"], point[f"s{s}_cells"] = width, count
    return point


def choose_macro(space: SearchSpace, settings: SearchSettings, options: DartsOptions) -> dict[str, Any]:
    """The macro network: the one given, or the largest of the ladder whose cells of conv3 edges
    fit at the target; failing that, the largest whose empty cells fit (the hardware term steers)."""
    board, fps = settings.board, settings.fps
    size = min(space.input.height, space.input.width)
    if options.stage_widths is not None:
        cells = options.stage_cells or (1,) * len(options.stage_widths)
        if len(cells) != len(options.stage_widths):
            raise UserError(f"--stage-cells has {len(cells)} entries, --stage-widths {len(options.stage_widths)}")
        ladder = ((tuple(options.stage_widths), tuple(cells)),)
    else:
        ladder = MACROS.get(settings.budget.name, MACROS["standard"])
    ladder = tuple(m for m in ladder if size >> (len(m[0]) - 1) >= 3)
    for op in ("conv3", "zeroise"):
        for widths, cells in ladder:
            macro = macro_point(widths, cells)
            if judge(space.decode(uniform_cells(macro, space.space, op)), board, fps).feasible:
                return macro
    raise UserError(f"no cell network of the macro choices {', '.join(str(w) for w, _ in ladder)} fits {board.name} "
                    f"at {fps:,.0f} fps, even with empty cells; try a lower --fps or a larger board")


def differentiable_search(settings: SearchSettings, *, log=print) -> SearchOutcome:
    import torch

    from hwnas.data import Locations, load_dataset
    from hwnas.data.dataset import write_class_names
    from hwnas.search.final import SearchOutcome, lower_best, train_candidate, write_summary
    from hwnas.search.report import write_search_report
    from hwnas.search.inputs import open_dataset, search_split

    started = time.perf_counter()
    options = settings.differentiable or DartsOptions()
    if settings.space not in ("auto", "cell"):
        raise UserError(f"--strategy differentiable searches the cell space, not --space {settings.space}")
    if settings.storage is not None:
        raise UserError("--strategy differentiable runs on one machine; --storage is for the evolution strategy's workers")
    if settings.threads is not None:
        torch.set_num_threads(settings.threads)
    dataset, image_shape, classes, data_identity = open_dataset(settings)
    c, h, w = image_shape
    space = SearchSpace(ImageInput(c, h, w, 8), classes, CellSpace(ops=settings.cell_ops or OPS), name="derived")
    macro = choose_macro(space, settings, options)
    out_dir = settings.out_dir
    try:
        (out_dir / "darts").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create output folder {out_dir}: {exc.strerror}") from None
    log = logging_to_file(log, out_dir / "search.log")
    budget = settings.budget
    epochs = budget.supernet_epochs
    log(f"differentiable search ({epochs} epochs, first-order DARTS) of the cell space, macro "
        f"{_describe_macro(macro)}; then the derived network trained {budget.final_epochs} epochs from scratch")
    if dataset is None:
        locations = Locations(data_dir=settings.data_dir, cache_dir=settings.cache_dir / "datasets")
        dataset = load_dataset(settings.dataset, space.decode(uniform_cells(macro, space.space, "conv3")),
                               locations=locations, seed=settings.seed, progress=settings.progress)
    log(dataset.summary())
    train_index, val_index = search_split(dataset, budget, settings.seed)
    identity = {**settings.identity(), **data_identity, "macro": macro, "options": options.to_dict()}

    from hwnas.search.darts_train import run_search

    history, weights = run_search(
        space, macro, dataset, train_index, val_index, settings, options, epochs=epochs, identity=identity,
        state_path=out_dir / "darts" / "state.pt", log=log,
    )
    search_seconds = time.perf_counter() - started
    point, dropped = _derived_point(space, macro, weights, options, settings)
    arch = space.decode(point)
    verdict = judge(arch, settings.board, settings.fps)
    if not verdict.feasible:
        raise UserError(f"the derived network does not fit {settings.board.name} at {settings.fps:,.0f} fps even with "
                        f"every conv edge zeroised: {verdict.reason}")
    if dropped:
        log(f"zeroised {', '.join(dropped)} so that the derived network fits")
    save_arch(arch, out_dir / "derived.yaml")
    derived = {"point": point, "genotype": _genotype(point, space.space), "zeroised_to_fit": dropped,
               "lut": verdict.lut, "bram18": verdict.bram18, "fps": verdict.fps, "search_seconds": round(search_seconds, 1)}
    (out_dir / "derived.json").write_text(json.dumps(derived, indent=2) + "\n")
    (out_dir / "alphas.json").write_text(json.dumps(history, indent=2) + "\n")
    log(f"derived {_genotype_line(derived['genotype'])}: {verdict.lut:,} LUT, {verdict.bram18} BRAM18, "
        f"{verdict.fps:,.0f} fps (search {search_seconds:.0f} s)")

    # the derived network is trained from scratch, whatever the budget does with inherited weights
    trained = dataclasses.replace(settings, budget=dataclasses.replace(budget, final_from="scratch"))
    best = train_candidate(arch, dataset, trained, out_dir / "derived", train_index, val_index, init=None, log=log)
    agreement = lower_best(best, dataset, trained, out_dir / "best", log=log)
    write_class_names(dataset, out_dir / "best")
    last = history[-1]
    pareto = [{"trial": len(history), "arch": arch.to_dict(), "supernet_val_accuracy": last["val_accuracy"],
               "resource_share": verdict.resource_share, "lut": verdict.lut, "bram18": verdict.bram18, "fps": verdict.fps}]
    trials = tuple({"trial": r["epoch"], "feasible": r["derived"]["feasible"], "lut": r["derived"]["lut"],
                    "bram18": r["derived"]["bram18"], "fps": r["derived"]["fps"], "supernet_val_accuracy": r["val_accuracy"],
                    "hardware": r["derived"]["hardware"]} for r in history)
    outcome = SearchOutcome(out_dir, best, pareto, [], agreement, time.perf_counter() - started, [],
                            dataset.label_names(), trials)
    write_summary(outcome, trained)
    write_search_report(outcome, trained, out_dir / "report.html")
    log(f"report: {out_dir / 'report.html'}")
    return outcome


def _derived_point(space: SearchSpace, macro: dict, weights: dict[str, np.ndarray], options: DartsOptions, settings):
    from hwnas.search.darts_derive import derive, fit_to_board

    point = {**macro, **derive(weights, space.space, max_skips=options.max_skips)}
    return fit_to_board(point, weights, space.space, lambda p: judge(space.decode(p), settings.board, settings.fps).feasible)


def _genotype(point: dict, space: CellSpace) -> dict:
    return {t: [[[edge.op, edge.source] for edge in node] for node in nodes] for t, nodes in genotype_of(point, space).items()}


def _genotype_line(genotype: dict) -> str:
    return "; ".join(f"{t}: " + ", ".join(f"n{i}=" + "+".join(f"{op}({src})" for op, src in node) for i, node in enumerate(nodes))
                     for t, nodes in genotype.items())


def _describe_macro(macro: dict) -> str:
    return ", ".join(f"stage {s}: {macro[f's{s}_cells']} cell(s) of width {macro[f's{s}_width']}" for s in range(macro["stages"]))
