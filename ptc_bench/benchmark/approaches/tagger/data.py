"""The tagger's examples: every window of a split, its task gold in window offsets, in chunks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ptc_bench.benchmark.approaches.tagger.tags import IGNORE, Chunk, TagScheme, chunk_text, gold_tags
from ptc_bench.benchmark.evaluation.evaluate import EvalItem
from ptc_bench.core.types import Span


@dataclass(frozen=True)
class TaggedWindow:
    """One evaluation or training window: its item and its chunks."""

    item: EvalItem
    chunks: tuple[Chunk, ...]

    @property
    def local_gold(self) -> list[Span]:
        """The window's task gold in window offsets."""
        return [span.shifted(-self.item.window.offset) for span in self.item.gold]


def tag_windows(items: Sequence[EvalItem], tokenizer: Any, *, max_length: int) -> list[TaggedWindow]:
    """Each item's window text cut into model-sized chunks."""
    return [
        TaggedWindow(item, tuple(chunk_text(tokenizer, item.window.text, max_length=max_length)))
        for item in items
    ]


def training_rows(windows: Sequence[TaggedWindow], scheme: TagScheme) -> list[dict[str, Any]]:
    """One row per chunk: the model's inputs and `labels` (tokens x layers) from the gold."""
    rows = []
    for window in windows:
        for chunk in window.chunks:
            rows.append({**chunk.features(), "labels": gold_tags(chunk, window.local_gold, scheme)})
    return rows


def select_tagged(
    windows: Sequence[TaggedWindow], *, max_empty_share: float, max_windows: int, seed: int
) -> list[TaggedWindow]:
    """The same deterministic sub-sample rule as the generative recipe (`examples.select_windows`)."""
    from ptc_bench.benchmark.training.examples import select_indices

    keep = select_indices(
        [not window.item.gold for window in windows],
        max_empty_share=max_empty_share,
        max_windows=max_windows,
        seed=seed,
    )
    return [windows[i] for i in keep]


def pad_batch(rows: Sequence[dict[str, Any]], pad_id: int) -> dict[str, Any]:
    """Right-padded tensors: input ids with `pad_id`, attention mask, labels with IGNORE rows."""
    import torch

    width = max(len(row["input_ids"]) for row in rows)
    batch: dict[str, Any] = {}
    for name in rows[0]:
        if name == "labels":
            layers = len(rows[0]["labels"][0])
            padded = [row["labels"] + [[IGNORE] * layers] * (width - len(row["labels"])) for row in rows]
        else:
            fill = pad_id if name == "input_ids" else 0
            padded = [row[name] + [fill] * (width - len(row[name])) for row in rows]
        batch[name] = torch.tensor(padded, dtype=torch.long)
    batch["attention_mask"] = torch.tensor(
        [[1] * len(row["input_ids"]) + [0] * (width - len(row["input_ids"])) for row in rows],
        dtype=torch.long,
    )
    return batch
