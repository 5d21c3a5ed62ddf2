"""The generation section of `bench perf`: the same dev windows through the naive way, each lever
alone, our hf path and, with `--engine vllm`, the vLLM engine."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from benchmark.perf.rows import PerfRow

if TYPE_CHECKING:
    from benchmark.perf.settings import PerfSettings, Reporter


def generation_section(settings: PerfSettings, model_path: str, dev: Any, report: Reporter) -> list[PerfRow]:
    from benchmark.models.loading import load_model
    from benchmark.models.quant import resolve_quantization
    from benchmark.perf import generation_speed as speed
    from benchmark.run.evaluate import build_eval_items
    from tasks import get_task

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
    from benchmark.generation.engines import get_engine

    if not get_engine(settings.engine).loads_model:
        report("generation: the vLLM engine on the same windows")
        precision = loaded.precision
        del model, loaded  # the engine gets the cores and memory
        vllm, start = speed.run_vllm(model_path, tokenizer, prompts, limit, precision)
        rows += speed.vllm_rows(vllm, start, ours, naive, precision)
    return rows
