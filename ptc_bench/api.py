"""The Python API: the `bench` commands as functions, with the command line's defaults and checks.

    import ptc_bench

    results = ptc_bench.run("name-calling", data_dir="../shared/ptc")      # = bench run --task ...
    results.to_pandas()                                                    # one row per system x metric
    base = ptc_bench.evaluate("name-calling", constrained=True)            # = bench eval --task ...
    ptc_bench.score("pred.txt", "../shared/ptc/dev-task-si.labels", task="si")["f1"]
    ptc_bench.load_ptc("../shared/ptc")                                    # datasets.DatasetDict

Options are the commands' flags by their long names (`max_steps=3` is `--max-steps 3`, `constrained=True`
is `--constrained`), parsed and checked by the command's own parser: the same options give the same
run id and numbers as the command line, and a bad value is the same one-line `UserError`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import datasets

    from ptc_bench.core.records import RunResults

PTC_SPLITS = ("train", "validation", "dev", "test")


def run(task: str, *, verbose: bool = False, quiet: bool = False, **options: Any) -> RunResults:
    """`bench run --task TASK ...`: train (or reuse) the adapter, base vs adapted, scored; the results."""
    return _execute("run", task, options, verbose=verbose, quiet=quiet)


def evaluate(task: str, *, verbose: bool = False, quiet: bool = False, **options: Any) -> RunResults:
    """`bench eval --task TASK ...`: one model (the base, or base + `adapter=`) evaluated alone."""
    return _execute("eval", task, options, verbose=verbose, quiet=quiet)


def score(pred: str | Path, gold: str | Path, *, task: str = "si") -> dict[str, Any]:
    """`bench score`: a prediction file against gold (a labels file or folder), official definitions.

    `task` is si, flc or tc; returns precision, recall, f1, per_technique, n_pred and n_gold.
    """
    from ptc_bench.benchmark.commands.score import score_prediction_file
    from ptc_bench.core.errors import UserError
    from ptc_bench.core.techniques import LABELS

    if task not in ("si", "flc", "tc"):
        raise UserError(f"score task {task!r}: expected si, flc or tc")
    return score_prediction_file(task, Path(pred), Path(gold), None, LABELS)


def load_ptc(
    data_dir: str | Path | None = None, *, level: str = "articles", window_chars: int = 1200
) -> datasets.DatasetDict:
    """The PTC release (or the sample corpus) as a `datasets.DatasetDict`: train (the training part),
    validation (the part of train held out for validation), dev and test (no gold: no spans).

    `level="articles"`: one row per article (article_id, text, spans); `level="windows"`: one row
    per window as the tasks see them (article_id, window_index, offset, text, spans in article
    offsets). A span is {start, end, technique}, half-open character offsets as in the label files.
    """
    import datasets

    from ptc_bench.benchmark.data import load_split, load_train_and_validation, resolve_data_dir
    from ptc_bench.benchmark.data.windows import make_windows, spans_in_window, window_spans_to_article
    from ptc_bench.core.errors import UserError

    if level not in ("articles", "windows"):
        raise UserError(f"level {level!r}: expected articles or windows")
    source = resolve_data_dir(None if data_dir is None else str(data_dir))
    train, validation = load_train_and_validation(source.path)
    splits = {"train": train, "validation": validation, "dev": load_split(source.path, "dev")}
    if (Path(source.path) / "test-articles").is_dir():
        splits["test"] = load_split(source.path, "test")
    span_type = datasets.List(
        {
            "start": datasets.Value("int64"),
            "end": datasets.Value("int64"),
            "technique": datasets.Value("string"),
        }
    )
    columns: dict[str, Any] = {"article_id": datasets.Value("string")}
    if level == "windows":
        columns |= {"window_index": datasets.Value("int64"), "offset": datasets.Value("int64")}
    features = datasets.Features({**columns, "text": datasets.Value("string"), "spans": span_type})
    found = {}
    for name, split in splits.items():
        rows: list[dict[str, Any]] = []
        for article_id in sorted(split.articles):
            article = split.articles[article_id]
            gold = list(split.gold(article_id)) if split.has_gold else []
            if level == "articles":
                rows.append({"article_id": article_id, "text": article.text, "spans": _spans(gold)})
                continue
            for window in make_windows(article, window_chars):
                local, _clipped = spans_in_window(window, gold)
                spans = _spans(window_spans_to_article(window, local))
                rows.append(
                    {
                        "article_id": article_id,
                        "window_index": window.index,
                        "offset": window.offset,
                        "text": window.text,
                        "spans": spans,
                    }
                )
        found[name] = datasets.Dataset.from_list(rows, features=features)
    return datasets.DatasetDict(found)


def _spans(spans: Any) -> list[dict[str, Any]]:
    return [{"start": s.start, "end": s.end, "technique": s.technique} for s in spans]


def _execute(command: str, task: str, options: dict[str, Any], *, verbose: bool, quiet: bool) -> RunResults:
    """Options -> the command's argv -> the command's own parser and checks -> the run -> its results."""
    from ptc_bench.benchmark.commands.run import parse_spec
    from ptc_bench.benchmark.console import status_printer
    from ptc_bench.benchmark.run.runner import run_benchmark
    from ptc_bench.benchmark.sweep.plan import option_argv
    from ptc_bench.core.errors import UserError
    from ptc_bench.reports.results import load_results

    if "task" in options or "tasks" in options:
        raise UserError("give the task as the first argument")
    argv = ["--task", task]
    for key, value in options.items():
        if isinstance(value, Path):
            value = str(value)
        argv += option_argv(key, value, Path.cwd(), f"{command}()")
    if verbose:
        argv.append("--verbose")
    spec = parse_spec(command, argv)
    run_dir = run_benchmark(spec, report=(lambda _line: None) if quiet else status_printer(), verbose=verbose)
    return load_results(run_dir)
