"""The generation section of `bench perf`: the same dev windows through the naive way, each lever
alone, our hf path and, with `--engine vllm`, the vLLM engine; with `--adapter`, the adapted model
the same three ways (one at a time with peft's adapter, our hf path, vLLM)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ptc_bench.benchmark.perf.rows import PerfRow

if TYPE_CHECKING:
    from ptc_bench.benchmark.perf.generation_speed import GenerationRun
    from ptc_bench.benchmark.perf.settings import PerfSettings, Reporter


def generation_section(settings: PerfSettings, model_path: str, dev: Any, report: Reporter) -> list[PerfRow]:
    """Base rows (naive, levers, ours, vLLM); then the adapted model's when an adapter is given."""
    from ptc_bench.benchmark.evaluation.evaluate import build_eval_items
    from ptc_bench.benchmark.generation.engines import get_engine
    from ptc_bench.benchmark.models.loading import load_adapter, load_model
    from ptc_bench.benchmark.models.quant import resolve_quantization
    from ptc_bench.benchmark.perf import generation_speed as speed
    from ptc_bench.tasks import get_task

    task = get_task(settings.task)
    items = build_eval_items(task, dev, window_chars=settings.window_chars)
    prompts = [item.prompt for item in speed.spread_sample(items, settings.sizes.gen_windows)]
    quantization = resolve_quantization("auto")
    loaded = load_model(model_path, quantization=quantization)
    limit = min(task.max_new_tokens, settings.sizes.gen_max_new_tokens or task.max_new_tokens)
    model, tokenizer = loaded.model, loaded.tokenizer
    batch = settings.sizes.gen_batch_size
    speed.warm_up(model, tokenizer, prompts[0])
    report(f"generation: {len(prompts)} dev windows one at a time to eos or {limit} new tokens")
    naive = speed.run_naive(model, tokenizer, prompts, limit)
    report("generation: the same windows one at a time, stopping at the closed JSON")
    json_stop = speed.run_ours(model, tokenizer, prompts, limit, 1)
    report(f"generation: batches of {batch} to eos or the limit")
    batched = speed.run_eos_only(model, tokenizer, prompts, limit, batch_size=batch)
    report(f"generation: our path (batches of {batch}, length-sorted, stopping at the closed JSON)")
    ours = speed.run_ours(model, tokenizer, prompts, limit, batch)
    report("generation: one at a time with the shared prompt prefix's KV cache reused")
    prefix = speed.run_prefix_cached(model, tokenizer, prompts, limit)
    model_note = f"base model (no adapter), {quantization}"
    rows = speed.generation_rows(ours, naive, batch_size=batch, max_new_tokens=limit, model_note=model_note)
    rows += speed.generation_lever_rows(naive, json_stop, batched, prefix, batch_size=batch)
    hf_runs: dict[str, tuple[GenerationRun, GenerationRun]] = {"base": (ours, naive)}
    adapter_dir = Path(settings.adapter) if settings.adapter else None
    if adapter_dir is not None:
        adapted = replace(loaded, model=load_adapter(loaded, adapter_dir))
        report(f"generation, adapted: the same windows one at a time to eos or {limit} new tokens")
        naive_adapted = speed.run_naive(adapted.model, tokenizer, prompts, limit)
        report(f"generation, adapted: our path (batches of {batch}, stopping at the closed JSON)")
        ours_adapted = speed.run_ours(adapted.model, tokenizer, prompts, limit, batch)
        rows += speed.generation_rows(
            ours_adapted, naive_adapted, batch_size=batch, max_new_tokens=limit, system="adapted",
            model_note=f"adapter {adapter_dir} (peft, not merged), {quantization}",
        )  # fmt: skip
        hf_runs["adapted"] = (ours_adapted, naive_adapted)
        del adapted
    if not get_engine(settings.engine).loads_model:
        precision = loaded.precision
        del model, loaded  # the engine gets the cores and memory
        rows += _vllm_rows(model_path, adapter_dir, tokenizer, prompts, limit, precision, hf_runs, report)
    return rows


def _vllm_rows(
    model_path: str, adapter_dir: Path | None, tokenizer: Any, prompts: list[str], limit: int,
    precision: str, hf_runs: dict[str, tuple[GenerationRun, GenerationRun]], report: Reporter,
) -> list[PerfRow]:  # fmt: skip
    """Each system through its own vLLM engine (the adapter merged on a CPU, a LoRA request on CUDA)."""
    from ptc_bench.benchmark.generation.engines.merged import vllm_target
    from ptc_bench.benchmark.models.precision import default_device_type
    from ptc_bench.benchmark.paths import cache_dir
    from ptc_bench.benchmark.perf import generation_speed as speed

    rows: list[PerfRow] = []
    for system, (ours, naive) in hf_runs.items():
        adapter = adapter_dir if system == "adapted" else None
        target = vllm_target(model_path, adapter, default_device_type(), root=cache_dir(), report=report)
        report(f"generation{'' if adapter is None else ', adapted'}: the vLLM engine on the same windows")
        run, start = speed.run_vllm(target, tokenizer, prompts, limit, precision)
        rows += speed.vllm_rows(run, start, ours, naive, precision, system=system)
    return rows
