"""Cycle-level simulation of the generated dataflow accelerator: kernel token schedules, FIFOs of
given depths, steady-state throughput, latency, deadlock and FIFO occupancy."""

from hwnas.sim.network import (
    FifoReport,
    NodeReport,
    SimulationResult,
    cost_model_cycles,
    reconverging_fifos,
    simulate,
    simulate_layers,
    sized_depths,
)

__all__ = [
    "FifoReport",
    "cost_model_cycles", "NodeReport", "reconverging_fifos", "SimulationResult", "simulate", "simulate_layers", "sized_depths"]
