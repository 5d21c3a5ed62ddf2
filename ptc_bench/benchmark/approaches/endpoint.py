"""The `generate` approach against an OpenAI-compatible endpoint: no local model, nothing trained.

The served model answers every evaluation prompt (`generation.engines.endpoint`); the answers are
parsed and aligned exactly as a local model's. A LoRA the server registered is evaluated by its
served name, as the base system of an eval run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from ptc_bench.benchmark.approaches.base import StageResult

if TYPE_CHECKING:
    from ptc_bench.benchmark.generation.engines.endpoint import EndpointEngine
    from ptc_bench.benchmark.stage.spec import RunSpec
    from ptc_bench.benchmark.stage.stage import StageInput


def endpoint_engine(spec: RunSpec) -> EndpointEngine:
    """The engine of an endpoint run, as its flags describe it (nothing contacted yet)."""
    from ptc_bench.benchmark.generation.engines import EngineRequest, get_engine

    assert spec.endpoint is not None
    request = EngineRequest(
        endpoint=spec.endpoint,
        served_name=spec.model,
        chat=spec.variant == "chat",
        key_variable=spec.api_key_env,
        concurrency=spec.concurrency,
        timeout=spec.request_timeout,
    )
    return cast("EndpointEngine", get_engine(spec.engine).create(request))


def endpoint_stage(given: StageInput) -> StageResult:
    """Completions of the served model for every evaluation prompt, parsed and aligned."""
    spec, task, data, report = given.spec, given.task, given.data, given.report
    from ptc_bench.benchmark.approaches.completions import complete, eval_items
    from ptc_bench.benchmark.evaluation.evaluate import evaluate_completions
    from ptc_bench.benchmark.generation.cache import model_key
    from ptc_bench.benchmark.generation.engines.endpoint import MessagesRenderer

    engine = endpoint_engine(spec)
    engine.check()
    items = eval_items(spec, task, data, MessagesRenderer() if spec.variant == "chat" else None, report)
    key = model_key(spec.model, None, None, None, engine.identity())
    texts = complete(spec, task, None, items, key, report, engine=engine)
    usage = engine.usage
    if usage["requests"]:
        report(
            f"{spec.endpoint}: {usage['requests']} requests, {usage['prompt_tokens']:,} prompt and "
            f"{usage['completion_tokens']:,} completion tokens"
        )
    system = spec.systems[0]
    outcomes = {system: evaluate_completions(task, items, texts, system=system, policy=spec.policy)}
    return StageResult(items, outcomes, None, None, oracle=None)
