"""Frozen records mirroring results.json and samples.jsonl, so reports never pass bare dicts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from metrics.summary import MetricValue as MetricValue  # re-exported: one type for writer and reader
from metrics.summary import TechniqueSummary as TechniqueScore


@dataclass(frozen=True)
class SystemCounts:
    """How many samples, spans and phrases one system's scores rest on."""

    n_samples: int
    n_articles: int
    n_pred_spans: int
    n_gold_spans: int
    n_phrases: int
    n_unaligned: int


@dataclass(frozen=True)
class SystemResults:
    """Everything scored for one system ("base" or "adapted") of a run."""

    metrics: Mapping[str, MetricValue]
    per_technique: Mapping[str, TechniqueScore]
    errors: Mapping[str, int]
    counts: SystemCounts


@dataclass(frozen=True)
class Comparison:
    """A paired test between two systems on the same articles (difference = b - a)."""

    metric: str
    system_a: str
    system_b: str
    difference: float
    ci: tuple[float, float]
    p_value: float
    method: str
    iterations: int


@dataclass(frozen=True)
class DataInfo:
    """Which corpus the run was scored on; runs with different hashes are never ranked together."""

    dir: str
    hash: str
    is_sample: bool
    n_articles: int
    n_windows: int


@dataclass(frozen=True)
class ModelInfo:
    """The base model of a run."""

    base: str
    revision: str | None
    quantization: str
    approach: str = "generate"  # or "tagger" (token classification; benchmark.tagger)

    @property
    def label(self) -> str:
        """How tables name the model: the base, and the approach when it is not generation."""
        return self.base if self.approach == "generate" else f"{self.base} (tagger)"


@dataclass(frozen=True)
class AdapterInfo:
    """The adapter of a run: where it lives, its content hash and the task it was trained for."""

    path: str
    hash: str
    task: str


@dataclass(frozen=True)
class RunResults:
    """The contents of one results.json; `path` is the file it was read from (None when built in memory)."""

    schema_version: int
    run_id: str
    created: str
    kind: str
    task: str
    split: str
    prompt_variant: str
    data: DataInfo
    model: ModelInfo
    adapter: AdapterInfo | None
    manifest_hash: str
    systems: Mapping[str, SystemResults]
    comparisons: tuple[Comparison, ...]
    oracle: Mapping[str, float] | None
    adapter_changes_outputs: bool | None
    path: Path | None = None

    @property
    def run_dir(self) -> Path | None:
        """The run folder holding this results.json."""
        return self.path.parent if self.path is not None else None

    def comparison(self, metric: str, system_a: str = "base", system_b: str = "adapted") -> Comparison | None:
        """The paired test of `metric` between two systems, if the run computed it."""
        for comparison in self.comparisons:
            if (comparison.metric, comparison.system_a, comparison.system_b) == (metric, system_a, system_b):
                return comparison
        return None


@dataclass(frozen=True)
class SampleSpan:
    """A span of a sample record, in article offsets."""

    start: int
    end: int
    technique: str | None


@dataclass(frozen=True)
class SampleParse:
    """The parse result of one completion as logged in samples.jsonl."""

    ok: bool
    error: str | None
    message: str
    truncated: bool
    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class SampleRecord:
    """One (system, window) generation: raw completion, parse, aligned spans and the window's gold."""

    system: str
    article_id: str
    window_index: int
    window_offset: int
    prompt_hash: str
    completion_hash: str
    completion: str
    parse: SampleParse
    spans: tuple[SampleSpan, ...]
    unaligned: tuple[tuple[str, str], ...]
    gold: tuple[SampleSpan, ...]
    n_pred: int
    n_gold: int
    n_unaligned: int
    window_text: str | None = None
