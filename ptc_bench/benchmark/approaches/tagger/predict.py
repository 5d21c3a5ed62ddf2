"""Tag the evaluation windows: model outputs -> BIO tags -> character spans -> the run's outcome."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ptc_bench.benchmark.approaches.tagger.data import TaggedWindow, pad_batch
from ptc_bench.benchmark.approaches.tagger.tags import (
    TAG_NAMES,
    TagScheme,
    decode_tags,
    gold_tags,
    merge_spans,
)
from ptc_bench.benchmark.evaluation.evaluate import SystemOutcome, outcome_of, window_record
from ptc_bench.core.records import SampleParse
from ptc_bench.core.types import Span
from ptc_bench.tasks import Task


def predict_spans(
    model: Any,
    windows: Sequence[TaggedWindow],
    scheme: TagScheme,
    *,
    pad_id: int,
    batch_size: int = 16,
    on_batch: Callable[[int], None] | None = None,
) -> list[list[Span]]:
    """Each window's predicted spans in window offsets (argmax tag per token and layer)."""
    import torch

    jobs = [(w, c) for w, window in enumerate(windows) for c in range(len(window.chunks))]
    found: list[list[Span]] = [[] for _ in windows]
    device = next(model.parameters()).device
    for first in range(0, len(jobs), batch_size):
        batch_jobs = jobs[first : first + batch_size]
        rows = [windows[w].chunks[c].features() for w, c in batch_jobs]
        batch = {name: tensor.to(device) for name, tensor in pad_batch(rows, pad_id).items()}
        with torch.no_grad():
            logits = model(**batch).logits
        tags = logits.reshape(*logits.shape[:2], len(scheme.layers), len(TAG_NAMES)).argmax(-1).tolist()
        for (w, c), row_tags in zip(batch_jobs, tags, strict=True):
            window = windows[w]
            found[w].extend(decode_tags(window.chunks[c], row_tags, window.item.window.text, scheme))
        if on_batch is not None:
            on_batch(len(batch_jobs))
    return [merge_spans(spans) for spans in found]


def oracle_spans(windows: Sequence[TaggedWindow], scheme: TagScheme) -> list[list[Span]]:
    """The ceiling of the tagging design: each window's gold -> tags -> spans, through the same decoder."""
    found = []
    for window in windows:
        spans: list[Span] = []
        for chunk in window.chunks:
            spans.extend(
                decode_tags(
                    chunk, gold_tags(chunk, window.local_gold, scheme), window.item.window.text, scheme
                )
            )
        found.append(merge_spans(spans))
    return found


def tagger_outcome(
    task: Task, windows: Sequence[TaggedWindow], local_spans: Sequence[Sequence[Span]], *, system: str
) -> SystemOutcome:
    """The run's per-window records and per-article predictions, as the generative path makes them.

    The record's completion is the decoded spans written as the task's answer JSON (what a perfect
    generator would have had to write), so reports and the sample browser read tagger runs unchanged.
    """
    records = []
    for window, spans in zip(windows, local_spans, strict=True):
        item = window.item
        answer = task.target(item.window, spans)
        pairs = tuple(
            (span.covered_text(item.window.text), span.technique or task.labels[0]) for span in spans
        )
        records.append(
            window_record(
                item,
                system=system,
                prompt=item.window.text,
                completion=answer,
                parse=SampleParse(ok=True, error=None, message="", truncated=False, pairs=pairs),
                spans=[span.shifted(item.window.offset) for span in spans],
            )
        )
    return outcome_of(system, records)
