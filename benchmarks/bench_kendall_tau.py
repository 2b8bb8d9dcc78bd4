"""Does the supernet rank subnets as training them would? Kendall's tau and Spearman's rho.

Trains (or takes from the search's cache) the supernet the search trains at ``--budget`` on the
search's own data split, samples ``--subnets`` distinct subnets of the space, and measures each
twice on the search's validation images: with the supernet's inherited weights (BatchNorm
recalibrated, as the study ranks them) and after training from scratch on the search's training
images for ``--scratch-epochs`` epochs with ``hwnas train``'s recipe. Prints each subnet's two
accuracies and LUTs at the board and rate, then Kendall's tau and Spearman's rho between them.

    PYTHONPATH=. python benchmarks/bench_kendall_tau.py --space conv --threads 1
    PYTHONPATH=. python benchmarks/bench_kendall_tau.py --space conv --warmup-share 0 --no-distill --no-clip-latent

The scratch trainings are cached under ``--cache-dir`` (keyed by subnet and recipe), so runs that
only change the supernet's recipe retrain no subnet. ``--space cell`` works once the search offers
a cell space.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import sys
import time
from pathlib import Path

import numpy as np

from hwnas.board import load_board
from hwnas.errors import UserError
from hwnas.search.budget import get_budget
from hwnas.search.recipe import SupernetRecipe
from hwnas.search.space import RandomChoices, SearchSpace
from hwnas.search.study import point_key


def distinct_points(space: SearchSpace, count: int, seed: int) -> list[dict]:
    """``count`` distinct points of ``space`` drawn at random (seeded)."""
    rng = np.random.default_rng(seed)
    points: dict[str, dict] = {}
    for _ in range(100 * count):
        point = space.sample(RandomChoices(rng))
        points.setdefault(point_key(point), point)
        if len(points) == count:
            return list(points.values())
    raise UserError(f"the space holds fewer than {count} distinct subnets")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--space", default="conv", help="conv, mlp or cell (default: conv)")
    parser.add_argument("--budget", default="quick", help="the search budget whose supernet is ranked (default: quick)")
    parser.add_argument("--subnets", type=int, default=12, help="distinct subnets sampled (default: 12)")
    parser.add_argument("--scratch-epochs", type=int, default=2, help="epochs of each training from scratch (default: 2)")
    parser.add_argument("--scratch-batch", type=int, default=128, help="batch size of the trainings from scratch (default: 128)")
    parser.add_argument("--board", default="pynq-z2")
    parser.add_argument("--fps", type=float, default=1000.0)
    parser.add_argument("--dataset", default="fashion-mnist")
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--cache-dir", type=Path, default=Path("runs/kendall-cache"))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--supernet-only", action="store_true",
                        help="train (or load) the supernet and print the subnets' supernet accuracies only")
    recipe = parser.add_argument_group("supernet recipe (default: the search's, hwnas.search.recipe.SupernetRecipe)")
    recipe.add_argument("--warmup-share", type=float, help="share of the steps that train the largest subnet alone")
    recipe.add_argument("--distill", action=argparse.BooleanOptionalAction, help="in-place distillation from the largest subnet")
    recipe.add_argument("--clip-latent", action=argparse.BooleanOptionalAction, help="latent weights clipped to [-1, 1]")
    args = parser.parse_args(argv)
    try:
        return run(args)
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def run(args: argparse.Namespace) -> int:
    import torch

    from hwnas.data import Locations, load_dataset
    from hwnas.search.final import describe, final_config, train_candidate
    from hwnas.search.ranking import rank_agreement
    from hwnas.search.inputs import search_split, supernet_path, supernet_pixels
    from hwnas.search.settings import SearchSettings, choose_space
    from hwnas.search.supernet import SuperNet, subnet_accuracy, train_supernet

    torch.set_num_threads(args.threads)
    started = time.perf_counter()
    budget = get_budget(args.budget)
    chosen = {name: getattr(args, name) for name in ("warmup_share", "distill", "clip_latent") if getattr(args, name) is not None}
    recipe = dataclasses.replace(SupernetRecipe(), **chosen)
    locations = Locations(data_dir=args.data_dir, cache_dir=args.cache_dir / "datasets")
    settings = SearchSettings(dataset=args.dataset, board=load_board(args.board), fps=args.fps, budget=budget,
                              out_dir=args.cache_dir, cache_dir=args.cache_dir, seed=args.seed, space=args.space,
                              threads=args.threads, data_dir=args.data_dir, progress=False, recipe=recipe)
    from hwnas.data import dataset_info

    info = dataset_info(args.dataset)
    space = choose_space(info.image_shape, info.classes, args.space, budget=budget)
    dataset = load_dataset(args.dataset, space.largest(), locations=locations, seed=args.seed, progress=False)
    train_index, val_index = search_split(dataset, budget, args.seed)
    train_x, train_y = supernet_pixels(dataset, space, train_index)
    val_x, val_y = supernet_pixels(dataset, space, val_index)

    supernet = SuperNet(space, seed=args.seed)
    path = supernet_path(settings, space, dataset.origin, dataset.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.with_suffix(".done").is_file():
        train_supernet(supernet, train_x, train_y, epochs=budget.supernet_epochs, recipe=recipe, seed=args.seed,
                       progress=False, state_path=path, log=print)
        path.with_suffix(".done").write_text("{}\n")
    supernet.load_state_dict(torch.load(path, map_location="cpu", weights_only=False)["supernet"])
    supernet.eval()
    supernet_s = time.perf_counter() - started

    scratch = dataclasses.replace(settings, budget=dataclasses.replace(budget, final_epochs=args.scratch_epochs))
    # the yardstick stays put when hwnas train's defaults move: no smoothing, no warm-up
    config = dataclasses.replace(final_config(dataset.name, scratch), batch_size=args.scratch_batch, label_smoothing=0.0,
                                 warmup_share=0.0)
    rows = []
    for point in distinct_points(space, args.subnets, args.seed + 1):
        arch = space.decode(point)
        inherited = subnet_accuracy(supernet, point, calib_images=train_x[: budget.calibration], images=val_x, labels=val_y)
        if args.supernet_only:
            print(f"  {describe(arch)}: supernet {inherited:.2%}", flush=True)
            continue
        digest = hashlib.sha256(point_key(point).encode()).hexdigest()[:12]
        run_dir = args.cache_dir / "scratch" / f"{dataset.name}-{budget.name}-{config.digest()}-{digest}"
        trained = train_candidate(arch, dataset, scratch, run_dir, train_index, val_index, init=None, log=lambda line: None,
                                  config=config)
        rows.append((trained.lut, inherited, trained.val_accuracy, describe(arch)))
        print(f"  {describe(arch)}: supernet {inherited:.2%}, scratch {trained.val_accuracy:.2%}", flush=True)

    if args.supernet_only:
        return 0
    rows.sort()
    print(f"\n{args.space} space, budget {budget.name}, {len(val_index):,} validation images, supernet recipe "
          f"{recipe.to_dict()}, scratch: {args.scratch_epochs} epochs on "
          f"{len(train_index):,} images")
    print(f"{'LUT':>7}  {'supernet':>8}  {'scratch':>8}  subnet")
    for lut, inherited, trained, name in rows:
        print(f"{lut:>7,}  {inherited:>8.2%}  {trained:>8.2%}  {name}")
    agreement = rank_agreement([r[1] for r in rows], [r[2] for r in rows])
    print(f"Kendall's tau {agreement.kendall_tau:+.3f} (p {agreement.kendall_p:.3f}), Spearman's rho "
          f"{agreement.spearman_rho:+.3f} (p {agreement.spearman_p:.3f}) over {agreement.pairs} subnets; "
          f"supernet {supernet_s:.0f} s, total {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
