"""From raw completions to scored spans: build the evaluation items, parse, align, summarise.

Model-free on purpose: the runner feeds completions from a model, the oracle feeds the gold
targets, and both go through exactly the same parse -> align -> score path.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ptc_bench.benchmark.data.windows import make_windows, spans_in_window, window_spans_to_article
from ptc_bench.core.records import SampleParse, SampleRecord, text_hash
from ptc_bench.core.types import Span, SplitData, Window
from ptc_bench.metrics.align import AlignPolicy, align_phrases
from ptc_bench.metrics.parse import ParseResult, parse_classification, parse_generation
from ptc_bench.tasks import Task, render_classification


@dataclass(frozen=True)
class EvalItem:
    """One prompt to answer: a window, the task's gold inside it, and the span to classify (TC)."""

    window: Window
    gold: tuple[Span, ...]
    prompt: str
    target: str | None
    span: Span | None = None


@dataclass(frozen=True)
class SystemOutcome:
    """What one system produced on the items: per-sample records and predictions by article."""

    system: str
    records: tuple[SampleRecord, ...]
    predictions: dict[str, tuple[Span, ...]]

    @property
    def json_validity(self) -> float:
        """Share of completions that parsed to a schema-valid, untruncated answer."""
        if not self.records:
            return 0.0
        valid = sum(1 for r in self.records if r.parse.valid)
        return valid / len(self.records)

    @property
    def n_phrases(self) -> int:
        """Phrases the model gave, over all samples."""
        return sum(len(r.parse.pairs) for r in self.records)

    @property
    def n_unaligned(self) -> int:
        """Phrases that could not be found in the text (hallucinations)."""
        return sum(len(r.unaligned) for r in self.records)

    @property
    def hallucination_rate(self) -> float:
        """Share of given phrases not found in the text (0 when no phrase was given)."""
        phrases = self.n_phrases
        return self.n_unaligned / phrases if phrases else 0.0

    def empty_on_gold(self) -> tuple[int, int]:
        """(windows with gold answered with a valid empty answer `{}`, windows with gold)."""
        with_gold = [r for r in self.records if r.gold]
        empty = sum(1 for r in with_gold if r.parse.valid and not r.parse.pairs)
        return empty, len(with_gold)

    def error_counts(self) -> dict[str, int]:
        """Completions by parse error code (`truncated` counted for recovered truncations too)."""
        counts: Counter[str] = Counter()
        for record in self.records:
            if record.parse.error:
                counts[record.parse.error] += 1
            elif record.parse.truncated:
                counts["truncated"] += 1
        return dict(sorted(counts.items()))


def build_eval_items(
    task: Task,
    split: SplitData,
    *,
    window_chars: int,
    variant: str = "instruction",
    tokenizer: object | None = None,
    shots: Sequence[tuple[Window, Sequence[Span]]] = (),
) -> list[EvalItem]:
    """Every prompt of a split for a task, in article then window order."""
    items: list[EvalItem] = []
    for article_id in sorted(split.articles):
        article = split.articles[article_id]
        gold = task.gold(split.gold(article_id)) if split.has_gold else ()
        windows = make_windows(article, window_chars)
        if task.one_prompt_per_span:
            items.extend(_classification_items(windows, gold, variant, tokenizer))
            continue
        for window in windows:
            local_gold, _clipped = spans_in_window(window, gold)
            window_gold = tuple(window_spans_to_article(window, local_gold))
            prompt = task.render(window, local_gold if split.has_gold else None, variant=variant, shots=shots)
            items.append(EvalItem(window, window_gold, prompt.to_text(tokenizer), prompt.completion))
    return items


def _classification_items(
    windows: Sequence[Window], gold: Sequence[Span], variant: str, tokenizer: object | None
) -> list[EvalItem]:
    """TC: one item per gold span, shown in the window(s) it lies in, the span marked, its label asked."""
    items = []
    for span in gold:
        touched = [w for w in windows if w.offset < span.end and span.start < w.end]
        context = touched[0]
        if len(touched) > 1:  # a span across a window boundary: show the joined windows
            joined = "".join(w.text for w in touched)
            context = Window(context.article_id, context.offset, joined, context.index)
        local = span.shifted(-context.offset)
        prompt = render_classification(context, local, variant=variant, label=span.technique)
        items.append(EvalItem(context, (span,), prompt.to_text(tokenizer), prompt.completion, span))
    return items


def evaluate_completions(
    task: Task,
    items: Sequence[EvalItem],
    completions: Sequence[str],
    *,
    system: str,
    policy: AlignPolicy = "all",
    fuzzy_threshold: float | None = None,
) -> SystemOutcome:
    """Parse and align every completion; collect records and the predicted spans by article."""
    if len(items) != len(completions):
        raise ValueError(f"{len(items)} items but {len(completions)} completions")
    records: list[SampleRecord] = []
    for item, completion in zip(items, completions, strict=True):
        spans, unaligned, parsed = _spans_of(task, item, completion, policy, fuzzy_threshold)
        records.append(
            window_record(
                item,
                system=system,
                prompt=item.prompt,
                completion=completion,
                parse=_sample_parse(parsed),
                spans=spans,
                unaligned=unaligned,
            )
        )
    return outcome_of(system, records)


def window_record(
    item: EvalItem,
    *,
    system: str,
    prompt: str,
    completion: str,
    parse: SampleParse,
    spans: Sequence[Span],
    unaligned: tuple[tuple[str, str], ...] = (),
) -> SampleRecord:
    """The samples.jsonl record of one system on one window (spans in article offsets)."""
    return SampleRecord(
        system=system,
        article_id=item.window.article_id,
        window_index=item.window.index,
        window_offset=item.window.offset,
        prompt_hash=text_hash(prompt),
        completion_hash=text_hash(completion),
        completion=completion,
        parse=parse,
        spans=tuple(spans),
        unaligned=unaligned,
        gold=item.gold,
    )


def outcome_of(system: str, records: Sequence[SampleRecord]) -> SystemOutcome:
    """A system's outcome: its records and their spans gathered by article, in record order."""
    predictions: dict[str, list[Span]] = defaultdict(list)
    for record in records:
        predictions[record.article_id].extend(record.spans)
    return SystemOutcome(system, tuple(records), {k: tuple(v) for k, v in predictions.items()})


def _spans_of(
    task: Task, item: EvalItem, completion: str, policy: AlignPolicy, fuzzy_threshold: float | None
) -> tuple[list[Span], tuple[tuple[str, str], ...], ParseResult]:
    if task.one_prompt_per_span:
        parsed = parse_classification(completion, task.labels)
        if item.span is None or not parsed.pairs:
            return [], (), parsed
        return [Span(item.span.start, item.span.end, parsed.pairs[0].technique)], (), parsed
    parsed = parse_generation(completion, task.labels)
    aligned = align_phrases(
        parsed.pairs,
        item.window.text,
        offset=item.window.offset,
        policy=policy,
        fuzzy_threshold=fuzzy_threshold,
    )
    spans = list(aligned.spans)
    if task.technique_agnostic:
        spans = [Span(s.start, s.end) for s in spans]
    unaligned = tuple((pair.phrase, pair.technique) for pair in aligned.unaligned)
    return spans, unaligned, parsed


def _sample_parse(parsed: ParseResult) -> SampleParse:
    pairs = tuple((pair.phrase, pair.technique) for pair in parsed.pairs)
    return SampleParse(parsed.ok, parsed.error, parsed.message, parsed.truncated, pairs)
