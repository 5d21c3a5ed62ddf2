"""The runner's tagger stage: windows -> tagger (trained or reused) -> tagged windows -> outcomes.

It returns what the generative stage returns (per-system outcomes on the same evaluation items)
plus the oracle of the tagging design, so the run folder, its scores, CIs and paired tests are
written by the same code for both approaches. `base` is the backbone with its untrained, seeded
head: the chance level a trained tagger must beat.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ptc_bench.benchmark.approaches.tagger.data import TaggedWindow, select_tagged, tag_windows
from ptc_bench.benchmark.approaches.tagger.tags import SPAN_LAYER, TagScheme
from ptc_bench.benchmark.evaluation.evaluate import EvalItem, SystemOutcome, build_eval_items
from ptc_bench.benchmark.stage.stage import PreparedData, Reporter, StageInput
from ptc_bench.benchmark.training.config import TrainConfig
from ptc_bench.core.errors import UserError
from ptc_bench.core.hashing import stable_hash
from ptc_bench.core.manifests import TrainManifest
from ptc_bench.core.types import SplitData
from ptc_bench.tasks import Task

if TYPE_CHECKING:
    from ptc_bench.benchmark.approaches.tagger.train import TaggerTrainResult
    from ptc_bench.benchmark.stage.spec import RunSpec

MAX_CHUNK_TOKENS = 512  # BERT's position limit; longer windows are cut into overlapping chunks


@dataclass(frozen=True)
class TaggerStage:
    """What the tagger stage produced for the run folder."""

    items: list[EvalItem]
    outcomes: dict[str, SystemOutcome]
    tagger_dir: Path | None
    oracle: SystemOutcome  # scored by the runner like the systems, without CIs


def scheme_for(task: Task) -> TagScheme:
    """One BIO layer per technique the task scores; one `span` layer for span identification."""
    if task.one_prompt_per_span:
        raise UserError(f"task {task.name!r} classifies given spans; --approach tagger needs a span task")
    if task.technique_agnostic:
        return TagScheme((SPAN_LAYER,))
    return TagScheme(tuple(task.labels))


def load_fast_tokenizer(model_path: str, *, trust_remote_code: bool = False) -> Any:
    """The backbone's fast tokenizer (offsets are needed), right padding, a pad token."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_path, trust_remote_code=trust_remote_code)
    if not getattr(tokenizer, "is_fast", False):
        raise UserError(f"{model_path}: the tagger needs a fast tokenizer (offset mapping); this one is slow")
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token or tokenizer.unk_token
    tokenizer.padding_side = "right"
    return tokenizer


def chunk_tokens(tokenizer: Any, spec_max: int) -> int:
    """Tokens per chunk: the config's max_seq_length, the tokenizer's limit and 512, whichever is least."""
    limit = getattr(tokenizer, "model_max_length", MAX_CHUNK_TOKENS) or MAX_CHUNK_TOKENS
    return int(min(spec_max, limit, MAX_CHUNK_TOKENS))


def run_tagger_stage(given: StageInput) -> TaggerStage:
    """Train (or reuse) the tagger, tag the evaluation windows with each system, score the oracle."""
    spec, task, data, model_path = given.spec, given.task, given.data, given.model_path
    run_dir, report, verbose = given.run_dir, given.report, given.verbose
    from ptc_bench.benchmark.approaches.tagger.backbone import load_backbone, load_tagger
    from ptc_bench.benchmark.approaches.tagger.predict import predict_spans, tagger_outcome

    scheme = scheme_for(task)
    tokenizer = load_fast_tokenizer(model_path, trust_remote_code=spec.trust_remote_code)
    max_length = chunk_tokens(tokenizer, spec.train.max_seq_length)
    windows = split_windows(
        task, data.evaluation, tokenizer, window_chars=spec.window_chars, max_length=max_length
    )
    if not windows:
        raise UserError(f"no evaluation windows: the {spec.split} articles of {data.source_dir} are empty")
    items = [window.item for window in windows]
    report(
        f"{len(items)} windows ({sum(len(w.chunks) for w in windows)} chunks) "
        f"on {len(data.evaluation.articles)} {spec.split} articles"
    )
    tagger_dir = None
    if "adapted" in spec.systems:
        tagger_dir = spec.adapter or _train_or_reuse(
            spec, task, data, scheme, model_path, tokenizer, max_length, run_dir, report, verbose
        )
    outcomes: dict[str, SystemOutcome] = {}
    pad_id = int(tokenizer.pad_token_id)
    for system in spec.systems:
        if system == "base":
            model = load_backbone(
                model_path, scheme, seed=spec.train.seed, trust_remote_code=spec.trust_remote_code
            )
            model.eval()
        else:
            assert tagger_dir is not None
            model, trained_scheme = load_tagger(
                tagger_dir, model_path, trust_remote_code=spec.trust_remote_code
            )
            _check_layers(trained_scheme, scheme, tagger_dir, task)
        report(f"tagging {len(windows)} windows ({system})")
        spans = predict_spans(model, windows, scheme, pad_id=pad_id, batch_size=spec.batch_size)
        outcomes[system] = tagger_outcome(task, windows, spans, system=system)
    oracle = _oracle_outcome(windows, task, scheme)
    return TaggerStage(items, outcomes, tagger_dir, oracle)


def _check_layers(trained: TagScheme, wanted: TagScheme, tagger_dir: Path, task: Task) -> None:
    """A tagger reads its layers as the task's: equal layers, or one layer for a one-technique task.

    The second case is cross-evaluation (`bench compare`): a name-calling tagger's spans are read
    as spans of the technique of the task it is evaluated on.
    """
    if trained.layers != wanted.layers and not (len(trained.layers) == len(wanted.layers) == 1):
        raise UserError(
            f"{tagger_dir}: the tagger's layers {list(trained.layers)} do not fit task {task.name!r} "
            f"({list(wanted.layers)})"
        )


def _train_or_reuse(
    spec: RunSpec,
    task: Task,
    data: PreparedData,
    scheme: TagScheme,
    model_path: str,
    tokenizer: Any,
    max_length: int,
    run_dir: Path,
    report: Reporter,
    verbose: bool,
) -> Path:
    """The run's trained tagger: reused when a finished one has the same recipe, else trained now."""
    train = split_windows(task, data.train, tokenizer, window_chars=spec.window_chars, max_length=max_length)
    recipe = tagger_recipe(spec.model, task, spec.train, train, max_length)
    output_dir = run_dir / "train"
    if (
        (found := TrainManifest.read(output_dir / "manifest.json")) is not None
        and found.recipe_hash == recipe
        and (output_dir / "tagger" / "tagger.json").is_file()
    ):
        report(f"reusing the tagger in {output_dir / 'tagger'} (same recipe)")
        return output_dir / "tagger"
    validation = split_windows(
        task, data.validation, tokenizer, window_chars=spec.window_chars, max_length=max_length
    )
    config = spec.train
    kept = select_tagged(
        train, max_empty_share=config.max_empty_share, max_windows=config.max_train_windows, seed=config.seed
    )
    report(
        f"training a tagger ({len(scheme.layers)} BIO layer(s)) for {task.name} on {len(kept)} of "
        f"{len(train)} windows (at most {config.max_empty_share:.0%} empty)"
    )
    result = fit_tagger(
        task,
        train,
        validation,
        model=spec.model,
        model_path=model_path,
        tokenizer=tokenizer,
        config=spec.train,
        output_dir=output_dir,
        recipe=recipe,
        display=not verbose,
        progress=verbose,
        trust_remote_code=spec.trust_remote_code,
    )
    return result.tagger_dir


def fit_tagger(
    task: Task,
    train: list[TaggedWindow],
    validation: list[TaggedWindow],
    *,
    model: str,
    model_path: str,
    tokenizer: Any,
    config: TrainConfig,
    output_dir: Path,
    recipe: str | None = None,
    display: bool = True,
    progress: bool = False,
    resume: bool = True,
    trust_remote_code: bool = False,
) -> TaggerTrainResult:
    """Train the task's tagger into `output_dir` (`bench run` and `bench train --approach tagger`)."""
    from ptc_bench.benchmark.approaches.tagger.train import train_tagger
    from ptc_bench.benchmark.training.display import training_display

    return train_tagger(
        train,
        validation,
        scheme=scheme_for(task),
        model_path=model_path,
        tokenizer=tokenizer,
        config=config,
        output_dir=output_dir,
        resume=resume,
        progress=progress,
        callbacks=(training_display(),) if display else (),
        extra={"task": task.name, "recipe_hash": recipe, "model": model, "approach": "tagger"},
        trust_remote_code=trust_remote_code,
    )


def split_windows(
    task: Task, split: SplitData, tokenizer: Any, *, window_chars: int, max_length: int
) -> list[TaggedWindow]:
    """Every window of a split with the task's gold, cut into chunks for the tagger."""
    return tag_windows(
        build_eval_items(task, split, window_chars=window_chars), tokenizer, max_length=max_length
    )


def tagger_recipe(
    model: str, task: Task, config: TrainConfig, train: list[TaggedWindow], max_length: int
) -> str:
    """Hash of everything that determines the trained tagger."""
    return stable_hash(
        {
            "approach": "tagger",
            "task": task.name,
            "model": model,
            "train": config.config_hash(),
            "max_length": max_length,
            "windows": [
                (w.item.window.text, [(s.start, s.end, s.technique) for s in w.item.gold]) for w in train
            ],
        }
    )


def _oracle_outcome(windows: list[TaggedWindow], task: Task, scheme: TagScheme) -> SystemOutcome:
    """The tagging ceiling: gold -> tags -> spans, as a system the run scores like the others (no CIs)."""
    from ptc_bench.benchmark.approaches.tagger.predict import oracle_spans, tagger_outcome

    return tagger_outcome(task, windows, oracle_spans(windows, scheme), system="oracle")
