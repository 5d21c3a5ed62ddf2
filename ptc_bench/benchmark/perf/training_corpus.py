"""The training data both recipes see, tokenised once: our windows (and the variants the levers
change) and the notebook's whole articles."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ptc_bench.benchmark.perf.token_counts import SequenceTokens, common_prefix_length
from ptc_bench.benchmark.training.examples import EMPTY_ANSWER, TrainExample, select_windows
from ptc_bench.core.types import SplitData


@dataclass(frozen=True)
class TrainingCorpus:
    """Every training window of a task (full prompts), its short-prompt twin, and the articles."""

    examples: tuple[TrainExample, ...]  # one per window, in order, the task's prompt
    short_examples: tuple[TrainExample, ...]  # the same windows with the one-line instruction
    window_text_tokens: tuple[int, ...]  # tokens of each window's text alone
    instruction_tokens: int
    notebook_ids: tuple[tuple[int, ...], ...]  # one per article, untruncated, with BOS and EOS
    tokenizer: Any

    @property
    def notebook(self) -> tuple[SequenceTokens, ...]:
        """The notebook's sequences: every token carries loss (labels = input_ids)."""
        return tuple(SequenceTokens(len(ids), 0) for ids in self.notebook_ids)

    def kept(self, max_empty_share: float, seed: int, *, short: bool = False) -> list[TrainExample]:
        """The windows one epoch trains on at this share of empty windows (as the recipe selects them)."""
        examples = self.short_examples if short else self.examples
        return select_windows(examples, max_empty_share=max_empty_share, max_windows=-1, seed=seed)

    def sequences(self, examples: Sequence[TrainExample], max_seq_length: int) -> list[SequenceTokens]:
        """As trl tokenises prompt/completion rows: prompt + completion + eos, loss from where they part."""
        eos = self.tokenizer.eos_token or ""
        prompts = self.tokenizer([e.prompt for e in examples])["input_ids"]
        full = self.tokenizer([e.prompt + e.completion + eos for e in examples])["input_ids"]
        return [
            SequenceTokens(len(ids), common_prefix_length(prompt, ids)).truncated(max_seq_length)
            for prompt, ids in zip(prompts, full, strict=True)
        ]

    def minimum_tokens(self) -> int:
        """Each window's text and answer once (with eos), plus the instruction once: the least any
        recipe that shows the model every training window with its answer can process."""
        eos = self.tokenizer.eos_token or ""
        answers = self.tokenizer([e.completion + eos for e in self.examples])["input_ids"]
        return sum(self.window_text_tokens) + sum(len(ids) for ids in answers) + self.instruction_tokens

    @property
    def n_empty(self) -> int:
        """Windows whose answer is `{}`."""
        return sum(1 for e in self.examples if e.completion == EMPTY_ANSWER)


def build_training_corpus(
    task_name: str, split: SplitData, tokenizer: Any, *, window_chars: int
) -> TrainingCorpus:
    """Our windowed examples of `split` (both prompts) and the notebook's whole-article sequences."""
    from ptc_bench.benchmark.evaluation.evaluate import build_eval_items
    from ptc_bench.benchmark.perf.levers import short_instruction, shorten
    from ptc_bench.tasks import get_task

    task = get_task(task_name)
    items = build_eval_items(task, split, window_chars=window_chars)
    examples = tuple(TrainExample(item.prompt, item.target or EMPTY_ANSWER) for item in items)
    short = short_instruction(task)
    short_examples = tuple(
        TrainExample(shorten(e.prompt, task.instruction(), short), e.completion) for e in examples
    )
    text_tokens = tokenizer([item.window.text for item in items], add_special_tokens=False)["input_ids"]
    instruction = tokenizer(task.instruction())["input_ids"]
    return TrainingCorpus(
        examples,
        short_examples,
        tuple(len(ids) for ids in text_tokens),
        len(instruction),
        tuple(tuple(ids) for ids in notebook_token_ids(task, split, tokenizer)),
        tokenizer,
    )


def notebook_token_ids(task: Any, split: SplitData, tokenizer: Any) -> list[list[int]]:
    """Each whole article in the instruction layout with its whole gold answer, BOS ... EOS."""
    from ptc_bench.core.types import Window

    texts = []
    for article_id in sorted(split.articles):
        window = Window(article_id, 0, split.articles[article_id].text)
        gold = task.gold(split.gold(article_id)) if split.has_gold else ()
        prompt = task.render(window, gold)
        texts.append(prompt.to_text(None) + (prompt.completion or EMPTY_ANSWER) + "\n")
    encoded = tokenizer(texts)["input_ids"]
    eos = tokenizer.eos_token_id
    return [list(ids) + ([eos] if eos is not None else []) for ids in encoded]
