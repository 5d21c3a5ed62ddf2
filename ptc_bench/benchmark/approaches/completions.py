"""The completions of the `generate` approach: evaluation prompts in, one text per prompt out.

Shared by the local path (`approaches.generate`: `hf` and `vllm`) and the endpoint path
(`approaches.endpoint`); everything goes through the resumable completion cache.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ptc_bench.core.errors import UserError

if TYPE_CHECKING:
    from ptc_bench.benchmark.evaluation.evaluate import EvalItem
    from ptc_bench.benchmark.generation.engines.base import Engine
    from ptc_bench.benchmark.stage.spec import RunSpec
    from ptc_bench.benchmark.stage.stage import PreparedData, Reporter
    from ptc_bench.tasks import Task


def eval_items(
    spec: RunSpec, task: Task, data: PreparedData, tokenizer: Any, report: Reporter
) -> list[EvalItem]:
    """The evaluation prompts (rendered with `tokenizer`'s chat template for the chat variant)."""
    from ptc_bench.benchmark.evaluation.evaluate import build_eval_items

    items = build_eval_items(
        task, data.evaluation, window_chars=spec.window_chars, variant=spec.variant, tokenizer=tokenizer
    )
    if not items:
        raise UserError(f"no evaluation windows: the {spec.split} articles of {data.source_dir} are empty")
    report(f"{len(items)} prompts on {len(data.evaluation.articles)} {spec.split} articles")
    return items


def complete(
    spec: RunSpec, task: Task, loaded: Any, items: Sequence[EvalItem], key: str, report: Reporter,
    *, engine: Engine | None = None,
) -> list[str]:  # fmt: skip
    """Completions for every item, through the resumable cache (sharded under accelerate when the
    engine runs on a model loaded in this process)."""
    from ptc_bench.benchmark.generation.cache import CompletionCache
    from ptc_bench.benchmark.generation.distributed import generate_completions_distributed
    from ptc_bench.benchmark.generation.generate import GenSettings, generate_completions

    settings = GenSettings(
        max_new_tokens=spec.max_new_tokens or task.max_new_tokens,
        do_sample=spec.do_sample,
        seed=spec.seed,
        batch_size=spec.batch_size,
        constrained=spec.constrained,
        precision=spec.precision,
    )
    cache = CompletionCache(spec.runs_dir / "cache" / "completions.jsonl")
    schema = task.output_schema() if spec.constrained else None
    prompts = [item.prompt for item in items]
    if engine is not None:
        completions = generate_completions(
            None, None, prompts, settings,
            cache=cache, model_key=key, no_cache=spec.no_cache, schema=schema, engine=engine,
        )  # fmt: skip
    else:  # a model loaded in this process: its engine built by the registry, sharded under accelerate
        from ptc_bench.benchmark.generation.engines import EngineRequest, get_engine

        in_process = get_engine(spec.engine).create(
            EngineRequest(model=loaded.model, tokenizer=loaded.tokenizer)
        )
        completions = generate_completions_distributed(
            loaded.model, loaded.tokenizer, prompts, settings,
            cache=cache, model_key=key, no_cache=spec.no_cache, schema=schema, engine=in_process,
        )  # fmt: skip
    n_cached = sum(1 for c in completions if c.cached)
    if n_cached:
        report(f"{n_cached} of {len(completions)} completions came from the cache")
    return [c.text for c in completions]
