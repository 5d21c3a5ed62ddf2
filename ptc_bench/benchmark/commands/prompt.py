"""`bench prompt`: show the rendered prompt and target for one window of an article (debugging)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from ptc_bench.benchmark import limits
from ptc_bench.benchmark.commands._options import in_range, non_negative_int
from ptc_bench.core.errors import UserError

if TYPE_CHECKING:
    from ptc_bench.core.types import Span, SplitData, Window
    from ptc_bench.tasks import Prompt, Task

DEFAULT_WINDOW_CHARS = 2000


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `prompt` sub-command."""
    parser = subparsers.add_parser(
        "prompt",
        help="show the rendered prompt and target JSON for one window of an article",
        description="Render one window of an article with a task's prompt template and print the "
        "model input and, when the split has gold, the target answer.",
    )
    parser.add_argument("--task", required=True, help="task name (see `bench tasks`)")
    parser.add_argument("--article", required=True, help="article id, e.g. 111111111")
    parser.add_argument("--split", choices=("train", "dev", "test"), default="train")
    parser.add_argument("--variant", choices=("instruction", "chat"), default="instruction")
    parser.add_argument(
        "--window", type=non_negative_int, default=0, help="window index within the article (from 0)"
    )
    parser.add_argument(
        "--window-chars",
        type=in_range(limits.WINDOW_CHARS),
        default=DEFAULT_WINDOW_CHARS,
        help="window budget",
    )
    parser.add_argument(
        "--shots", type=in_range(limits.SHOTS), default=0, help="worked examples drawn from train"
    )
    parser.add_argument("--seed", type=in_range(limits.SEED), default=0, help="seed of the shot choice")
    parser.add_argument(
        "--span", type=non_negative_int, default=0, help="technique-classification: which gold span"
    )
    parser.add_argument("--tokenizer", help="local tokenizer folder for the chat template (chat variant)")
    parser.add_argument("--data-dir", help="PTC release folder (default: $PTC_DATA_DIR, else the sample)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Render and print one window's prompt and target."""
    from ptc_bench.benchmark.data import load_split, resolve_data_dir
    from ptc_bench.benchmark.data.windows import make_windows
    from ptc_bench.tasks import get_task, select_shots

    task = get_task(args.task)
    source = resolve_data_dir(args.data_dir)
    if source.notice:
        print(source.notice, file=sys.stderr)
    split = load_split(source.path, args.split)
    article = split.articles.get(args.article)
    if article is None:
        raise UserError(f"no article {args.article!r} in {args.split} ({len(split.articles)} articles)")
    windows = make_windows(article, args.window_chars)
    if not 0 <= args.window < len(windows):
        raise UserError(
            f"article {article.id} has {len(windows)} window(s); --window must be 0..{len(windows) - 1}"
        )
    window = windows[args.window]
    gold, clipped = window_gold(split, window)
    train = split if args.split == "train" else load_split(source.path, "train")
    shots = shot_pool(train, args.window_chars) if args.shots else []
    if task.one_prompt_per_span:
        prompt = render_tc(task, window, gold, args, shots)
    else:
        chosen = select_shots(task, shots, args.shots, args.seed, exclude_articles={article.id})
        check_shot_count(args.shots, len(chosen))
        prompt = task.render(window, gold, variant=args.variant, shots=chosen)
    print(
        f"# task {task.name} · article {article.id} ({args.split}) · window {window.index} "
        f"(of 0..{len(windows) - 1}) · article offsets [{window.offset}, {window.end}) · {args.variant} · "
        f"{args.shots} shot(s) · gold spans {'n/a' if gold is None else len(gold)}"
        f"{f' ({clipped} clipped at the window edge)' if clipped else ''}"
    )
    print("--- prompt ---")
    print(prompt_text(prompt, args.tokenizer), end="" if args.variant == "instruction" else "\n")
    print("--- target ---")
    print("(no gold for this split)" if prompt.completion is None else prompt.completion)
    return 0


def window_gold(split: SplitData, window: Window) -> tuple[list[Span] | None, int]:
    """The window's gold spans in window offsets (None without gold) and how many were clipped."""
    from ptc_bench.benchmark.data.windows import spans_in_window

    if not split.has_gold:
        return None, 0
    return spans_in_window(window, split.gold(window.article_id))


def shot_pool(train: SplitData, window_chars: int) -> list[tuple[Window, list[Span]]]:
    """Every train window with its gold in window offsets: the candidates for worked examples."""
    from ptc_bench.benchmark.data.windows import make_windows, spans_in_window

    pool: list[tuple[Window, list[Span]]] = []
    for article in train.articles.values():
        for window in make_windows(article, window_chars):
            pool.append((window, spans_in_window(window, train.gold(article.id))[0]))
    return pool


def render_tc(
    task: Task,
    window: Window,
    gold: list[Span] | None,
    args: argparse.Namespace,
    pool: list[tuple[Window, list[Span]]],
) -> Prompt:
    """Technique classification: mark the chosen gold span of the window; label it when known."""
    from ptc_bench.tasks import render_classification, select_shots

    if not gold:
        raise UserError("technique-classification needs a window with gold spans (use --split train or dev)")
    ordered = sorted(gold, key=lambda s: (s.start, s.end, s.technique or ""))
    if not 0 <= args.span < len(ordered):
        raise UserError(f"the window has {len(ordered)} gold span(s); --span must be 0..{len(ordered) - 1}")
    span = ordered[args.span]
    chosen = select_shots(task, pool, args.shots, args.seed, exclude_articles={window.article_id})
    shots = [
        (shot, min(spans, key=lambda s: (s.start, s.end, s.technique or "")))
        for shot, spans in chosen
        if spans
    ]
    check_shot_count(args.shots, len(shots))
    return render_classification(window, span, variant=args.variant, label=span.technique, shots=shots)


def check_shot_count(asked: int, available: int) -> None:
    """--shots must not ask for more worked examples than train offers (the header would lie)."""
    if available < asked:
        raise UserError(
            f"--shots {asked}: only {available} worked example(s) available in train for this window"
        )


def prompt_text(prompt: Prompt, tokenizer_path: str | None) -> str:
    """The model input; for chat without a tokenizer, the messages under role headers."""
    if prompt.variant != "chat" or tokenizer_path is None:
        return prompt.preview()
    from transformers import AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(tokenizer_path, local_files_only=True)
    except (OSError, ValueError) as error:
        raise UserError(f"cannot load tokenizer from {tokenizer_path}: {error}") from None
    return prompt.to_text(tokenizer)
