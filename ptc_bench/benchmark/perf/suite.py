"""Run the `bench perf` comparisons in order and collect their rows with the run's context."""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ptc_bench.benchmark.perf.report import PerfReport
from ptc_bench.benchmark.perf.rows import PerfRow
from ptc_bench.benchmark.perf.settings import SECTIONS, PerfSettings, Reporter


def run_perf(settings: PerfSettings, report: Reporter) -> PerfReport:
    """Every requested comparison; data, model and machine recorded in the context."""
    from ptc_bench.benchmark.data import load_split, load_train_and_validation, resolve_data_dir
    from ptc_bench.benchmark.models.catalogue import resolve_model
    from ptc_bench.benchmark.perf.generation_section import generation_section

    started = time.perf_counter()
    load_at_start = os.getloadavg()
    source = resolve_data_dir(settings.data_dir)
    sample_note = " (the sample corpus: set --data-dir for the PTC release)" if source.is_sample else ""
    data_note = f"{source.path}{sample_note}"
    report(f"data: {data_note}")
    train, _validation = load_train_and_validation(source.path)
    dev = load_split(source.path, "dev")
    report(f"model: {settings.model} (building or converting it first if it is not cached)")
    model_started = time.perf_counter()
    model_path = resolve_model(settings.model, report=report).path
    model_seconds = round(time.perf_counter() - model_started, 1)
    rows: list[PerfRow] = []
    steps: dict[str, Callable[[], list[PerfRow]]] = {
        "training": lambda: _training(settings, model_path, train, report),
        "generation": lambda: generation_section(settings, model_path, dev, report),
        "scoring": lambda: _scoring(settings, source.path, dev, report),
        "start-up": lambda: _startup(settings, source.path, report),
        "memory": lambda: _memory(settings, model_path, report),
        "gpu": lambda: _gpu(settings, report),
    }
    section_seconds: dict[str, float] = {}
    for section in SECTIONS:
        if section in settings.sections:
            section_started = time.perf_counter()
            rows += steps[section]()
            section_seconds[section] = round(time.perf_counter() - section_started, 1)
    context = {
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "quick": settings.quick,
        "task": settings.task,
        "model": {
            "id": settings.model,
            "path": model_path,
            "resolve_seconds": model_seconds,  # includes building the tiny model when it was not cached
            **_model_facts(model_path),
        },
        "adapter": _adapter_facts(settings.adapter),
        "data": {
            "dir": str(source.path),
            "is_sample": source.is_sample,
            "window_chars": settings.window_chars,
        },
        "machine": machine_facts(load_at_start),
        "wall_seconds": round(time.perf_counter() - started, 1),
        "section_seconds": section_seconds,
    }
    return PerfReport(tuple(rows), context)


def machine_facts(load_at_start: Sequence[float]) -> dict[str, Any]:
    """CPU model, usable cores, load average at start and end, torch threads, CUDA device if any."""
    import torch

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            names = [line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu": cpu,
        "cores": cores,
        "load_average_start": [round(x, 2) for x in load_at_start],
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
        "torch_threads": torch.get_num_threads(),
        "cuda": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
    }


def _adapter_facts(adapter: str | None) -> dict[str, str] | None:
    """The adapter's folder and content hash, when the generation rows measured one."""
    if adapter is None:
        return None
    from ptc_bench.benchmark.models.loading import adapter_hash

    return {"path": adapter, "hash": adapter_hash(Path(adapter))}


def _model_facts(model_path: str) -> dict[str, Any]:
    from transformers import AutoConfig

    config = AutoConfig.from_pretrained(model_path)
    return {"max_position_embeddings": getattr(config, "max_position_embeddings", None)}


def _training(settings: PerfSettings, model_path: str, train: Any, report: Reporter) -> list[PerfRow]:
    from ptc_bench.benchmark.perf.training_section import TrainingSizes, training_rows

    sizes = settings.sizes
    return training_rows(
        model=settings.model,
        model_path=model_path,
        task=settings.task,
        train=train,
        window_chars=settings.window_chars,
        max_positions=_model_facts(model_path)["max_position_embeddings"],
        sizes=TrainingSizes(sizes.timed_windows, sizes.notebook_lengths, sizes.lever_batch),
        report=report,
    )


def _scoring(settings: PerfSettings, data_dir: Any, dev: Any, report: Reporter) -> list[PerfRow]:
    from ptc_bench.benchmark.perf.scoring_speed import bench_score_rows, scoring_rows, time_scoring

    gold = {article_id: dev.gold(article_id) for article_id in dev.articles}
    lengths = {article_id: len(article.text) for article_id, article in dev.articles.items()}
    report("scoring: full dev SI + FLC, ours vs sets of character positions")
    times = time_scoring(gold, lengths, repeats=settings.sizes.score_repeats)
    rows = scoring_rows(times, len(gold))
    rows += bench_score_rows(data_dir, gold, lengths, repeats=settings.sizes.score_repeats)
    return rows


def _startup(settings: PerfSettings, data_dir: Any, report: Reporter) -> list[PerfRow]:
    from ptc_bench.benchmark.perf.startup import startup_rows

    report("start-up: bench --help, bench tasks, import metrics (fresh processes)")
    sizes = settings.sizes
    return startup_rows(data_dir, repeats=sizes.startup_repeats, eager_repeats=sizes.eager_repeats)


def _memory(settings: PerfSettings, model_path: str, report: Reporter) -> list[PerfRow]:
    from ptc_bench.benchmark.perf.memory import cuda_memory_row, measure, memory_rows

    sizes = settings.sizes
    shape = {"steps": sizes.memory_steps, "seq_len": sizes.memory_seq_len, "batch": sizes.memory_batch}
    report("memory: QLoRA and fp32 LoRA training steps on the CPU, each in a fresh process")
    qlora = measure(model_path, "qlora", device="cpu", **shape)
    lora32 = measure(model_path, "lora32", device="cpu", **shape)
    rows = memory_rows(qlora, lora32, small_model=lora32.n_parameters < 20_000_000, **shape)
    import torch

    if torch.cuda.is_available():
        rows.append(
            cuda_memory_row(
                measure(model_path, "qlora", device="cuda", **shape),
                measure(model_path, "lora16", device="cuda", **shape),
            )
        )
    else:
        rows.append(cuda_memory_row(None, None))
    return rows


def _gpu(settings: PerfSettings, report: Reporter) -> list[PerfRow]:
    from ptc_bench.benchmark.perf.gpu import gpu_rows

    return gpu_rows(quick=settings.quick, report=report)
