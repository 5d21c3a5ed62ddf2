"""`bench probe`: the first-answer-token decision of a model (or adapter) on a split, and gates on it.

For every window: s = log P(`{"`) - log P(`{}`) after the prompt, and the answer written with the
first token forced to `{"`. Prints how s separates windows with and without gold, the SI F1 of the
answers gated at a threshold (always answer, s >= 0, the best threshold, and the cross-fitted one:
each half of the articles gated with the threshold chosen on the other half), and with
`--save-threshold` stores the threshold chosen on validation with the adapter (`decision.json`).
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

from ptc_bench.benchmark import limits
from ptc_bench.benchmark.commands._options import in_range
from ptc_bench.core.errors import UserError

DECISION_FILE = "decision.json"


def register(subparsers: Any) -> None:
    """Add `bench probe`."""
    parser = subparsers.add_parser(
        "probe",
        help='the first-answer-token decision ({" or {}) per window, and the SI F1 of gating on it',
        description="Score every window's first-token decision s = log P('{\"') - log P('{}') and the "
        "answer written when the first token is forced to '{\"'; print how s separates windows with "
        "and without gold and the SI F1 of answering only when s >= t (cross-fitted over two halves "
        "of the articles). Thresholds are chosen on the validation part of train, never on dev.",
    )
    parser.add_argument(
        "--task", required=True, help="a span task (a technique, all-techniques, span-identification)"
    )
    parser.add_argument("--adapter", type=Path, help="the adapter (default: the base model alone)")
    parser.add_argument("--model", default=None, help="the base model (default: the catalogue default)")
    parser.add_argument(
        "--data-dir", help="PTC release folder (default: $PTC_DATA_DIR, else the sample corpus)"
    )
    parser.add_argument("--split", choices=("validation", "dev"), default="validation")
    parser.add_argument("--window-chars", type=in_range(limits.WINDOW_CHARS), default=1200)
    parser.add_argument("--variant", choices=("instruction", "chat"), help="default: the model's")
    parser.add_argument("--precision", choices=("auto", "fp32", "bf16"), default="auto")
    parser.add_argument("--batch-size", type=in_range(limits.BATCH_SIZE), default=8)
    parser.add_argument("--limit-articles", type=in_range(limits.LIMIT_ARTICLES))
    parser.add_argument("--out", type=Path, help="write one JSON line per window here")
    parser.add_argument(
        "--save-threshold",
        action="store_true",
        help=f"store the threshold chosen on validation with the adapter ({DECISION_FILE})",
    )
    parser.set_defaults(handler=probe_command)


def probe_command(args: argparse.Namespace) -> int:
    """Handler of `bench probe`."""
    from ptc_bench.benchmark.data import load_split, load_train_and_validation, resolve_data_dir
    from ptc_bench.benchmark.models.adapter_check import verify_adapter
    from ptc_bench.benchmark.models.catalogue import DEFAULT_MODEL, check_model_available
    from ptc_bench.tasks import get_task

    task = get_task(args.task)
    if task.one_prompt_per_span:
        raise UserError(f"task {task.name}: one prompt per gold span always answers; nothing to decide")
    if args.save_threshold and (args.adapter is None or args.split != "validation"):
        raise UserError("--save-threshold needs --adapter and the validation split (never dev)")
    model_name = args.model or DEFAULT_MODEL
    check_model_available(model_name)
    if args.adapter is not None:
        verify_adapter(args.adapter)
    source = resolve_data_dir(args.data_dir)
    _train, validation = load_train_and_validation(source.path)
    split = validation if args.split == "validation" else load_split(source.path, args.split)
    if args.limit_articles is not None:
        from ptc_bench.benchmark.run.runner import first_articles

        split = first_articles(split, args.limit_articles)
    rows, summary = probe(task, split, model_name, args)
    _print_summary(task.name, args.split, summary)
    if args.out is not None:
        from ptc_bench.core.safe_write import atomic_write_text

        atomic_write_text(args.out, "".join(json.dumps(row, sort_keys=True) + "\n" for row in rows))
        print(f"per-window decisions: {args.out}")
    if args.save_threshold:
        from ptc_bench.core.safe_write import atomic_write_text

        record = {
            "statistic": "log P('{\"') - log P('{}') on the first answer token",
            "threshold": summary["best_threshold"],
            "chosen_on": "validation",
            "validation_si_f1": summary["best_si_f1"],
            "cross_fitted_si_f1": summary["cross_fitted_si_f1"],
            "windows": summary["windows"],
        }
        atomic_write_text(args.adapter / DECISION_FILE, json.dumps(record, indent=1) + "\n")
        print(f"threshold {summary['best_threshold']:.4f} stored in {args.adapter / DECISION_FILE}")
    return 0


def probe(
    task: Any, split: Any, model_name: str, args: argparse.Namespace
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Per-window rows and the summary of the decision and the gates."""
    from ptc_bench.benchmark.evaluation.evaluate import build_eval_items, evaluate_completions
    from ptc_bench.benchmark.generation.decision import (
        ANSWER_OPEN,
        choose_threshold,
        cross_fitted,
        decision_scores,
        si_f1_at,
    )
    from ptc_bench.benchmark.generation.engines import EngineRequest, default_engine
    from ptc_bench.benchmark.generation.settings import GenSettings
    from ptc_bench.benchmark.models.catalogue import default_prompt_variant, resolve_model
    from ptc_bench.benchmark.models.loading import load_adapter, load_model
    from ptc_bench.benchmark.models.quant import resolve_quantization

    resolved = resolve_model(model_name, report=print)
    loaded = load_model(resolved.path, quantization=resolve_quantization("auto"), precision=args.precision)
    model = load_adapter(loaded, args.adapter) if args.adapter is not None else loaded.model
    variant = args.variant or default_prompt_variant(model_name)
    items = build_eval_items(
        task, split, window_chars=args.window_chars, variant=variant, tokenizer=loaded.tokenizer
    )
    if not items:
        raise UserError(f"split {args.split!r} has no window to probe")
    prompts = [item.prompt for item in items]
    print(f"probe: {len(items)} windows of {len(split.articles)} {args.split} articles, {task.name}")
    decisions = decision_scores(
        model, loaded.tokenizer, prompts, precision=loaded.precision, batch_size=args.batch_size
    )
    settings = GenSettings(
        max_new_tokens=task.max_new_tokens, batch_size=args.batch_size, precision=loaded.precision
    )
    forced = [""] * len(prompts)
    engine = default_engine().create(EngineRequest(model=model, tokenizer=loaded.tokenizer))
    for batch in engine.generate([p + ANSWER_OPEN for p in prompts], settings, None):
        for index, generated in batch:
            forced[index] = ANSWER_OPEN + generated.text
    outcome = evaluate_completions(task, items, forced, system="forced")
    scores = [d.score for d in decisions]
    spans = [record.spans for record in outcome.records]
    articles = [item.window.article_id for item in items]
    gold = {article: tuple(task.gold(split.gold(article))) for article in split.articles}
    has_gold = [bool(item.gold) for item in items]
    best_threshold, best_f1 = choose_threshold(scores, spans, articles, gold)
    crossed, applied = cross_fitted(scores, spans, articles, gold)
    summary = {
        "windows": len(items),
        "windows_with_gold": sum(has_gold),
        "valid_json": sum(r.parse.ok for r in outcome.records) / len(items),
        "mean_p_answer_gold": _mean([d.p_answer for d, g in zip(decisions, has_gold, strict=True) if g]),
        "mean_p_answer_empty": _mean([d.p_answer for d, g in zip(decisions, has_gold, strict=True) if not g]),
        "greedy_answers": sum(d.score > 0 for d in decisions),
        "auc": _auc(has_gold, scores),
        "always_si_f1": si_f1_at(-math.inf, scores, spans, articles, gold),
        "greedy_si_f1": si_f1_at(0.0, scores, spans, articles, gold),
        "best_threshold": best_threshold,
        "best_si_f1": best_f1,
        "answers_at_best": sum(s >= best_threshold for s in scores),
        "cross_fitted_si_f1": crossed,
        "cross_fitted_thresholds": list(applied),
    }
    rows = [
        {
            "article_id": item.window.article_id,
            "window_index": item.window.index,
            "offset": item.window.offset,
            "has_gold": flag,
            "score": decision.score,
            "p_answer": decision.p_answer,
            "p_abstain": decision.p_abstain,
            "forced_answer": text,
        }
        for item, flag, decision, text in zip(items, has_gold, decisions, forced, strict=True)
    ]
    return rows, summary


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _auc(labels: list[bool], scores: list[float]) -> float | None:
    """ROC AUC of the score for "the window holds gold" (None when one class is missing)."""
    if all(labels) or not any(labels):
        return None
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(labels, scores))


def _print_summary(task: str, split: str, summary: dict[str, Any]) -> None:
    def number(value: Any, digits: int = 3) -> str:
        return "-" if value is None else f"{value:.{digits}f}"

    print(
        f"{task} on {split}: {summary['windows']} windows, {summary['windows_with_gold']} with gold; "
        f"forced answers valid JSON {number(summary['valid_json'])}"
    )
    print(
        f"P('{{\"') mean: {number(summary['mean_p_answer_gold'], 4)} on windows with gold, "
        f"{number(summary['mean_p_answer_empty'], 4)} without; AUC of s for gold: {number(summary['auc'])}; "
        f"s > 0 (greedy answers) on {summary['greedy_answers']} windows"
    )
    print(
        f"SI F1: always answer {number(summary['always_si_f1'])}; s >= 0 {number(summary['greedy_si_f1'])}; "
        f"best threshold {number(summary['best_threshold'], 4)} -> {number(summary['best_si_f1'])} "
        f"({summary['answers_at_best']} answers, chosen and scored on the same windows); cross-fitted "
        f"{number(summary['cross_fitted_si_f1'])} (thresholds "
        + ", ".join(number(t, 4) for t in summary["cross_fitted_thresholds"])
        + ")"
    )
