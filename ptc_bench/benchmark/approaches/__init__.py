"""The approaches a run can take, registered by name (`--approach`): each implements `Approach`.

Adding one: a module with a class implementing `benchmark.approaches.base.Approach`, and its
instance in `APPROACHES` below. Nothing else in the toolkit names an approach, but `bench perf`,
which measures the generate approach's training and generation as such.
"""

from __future__ import annotations

from ptc_bench.benchmark.approaches.base import Approach
from ptc_bench.benchmark.approaches.generate import GenerateApproach
from ptc_bench.benchmark.approaches.tagger.approach import TaggerApproach
from ptc_bench.core.errors import UserError

APPROACHES: dict[str, Approach] = {
    approach.name: approach for approach in (GenerateApproach(), TaggerApproach())
}
APPROACH_NAMES: tuple[str, ...] = tuple(APPROACHES)


def get_approach(name: str) -> Approach:
    """The registered approach; one UserError line naming the choices otherwise."""
    try:
        return APPROACHES[name]
    except KeyError:
        raise UserError(f"unknown approach {name!r}; choose one of {', '.join(APPROACH_NAMES)}") from None
