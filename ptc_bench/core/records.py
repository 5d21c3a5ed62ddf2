"""The run-record family: results.json and samples.jsonl as frozen records, written and read alike.

The runner builds these and writes `to_json()`; reports read `from_json()` (after validating
against the JSON schemas beside this module, `results_schema.json` and `samples_schema.json`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from ptc_bench.core.hashing import sha256_text
from ptc_bench.core.types import Span

SCHEMA_DIR = Path(__file__).resolve().parent
SCHEMA_VERSION = 1


def _optional(value: float | None) -> float | None:
    return None if value is None else float(value)


def _interval(value: list[float] | tuple[float, float] | None) -> tuple[float, float] | None:
    return None if value is None else (float(value[0]), float(value[1]))


@dataclass(frozen=True)
class MetricValue:
    """A corpus-level metric and its bootstrap confidence interval (None when not computed).

    `value` is None when the metric is undefined: no gold and no predicted spans in scope (the
    official scorer would say F1 1.0); such a value is shown as "–" and never ranked.
    """

    value: float | None
    ci: tuple[float, float] | None

    def to_json(self) -> dict[str, Any]:
        """`{"value": v, "ci": [low, high] | null}`."""
        return {"value": self.value, "ci": list(self.ci) if self.ci else None}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> MetricValue:
        """The inverse of `to_json`."""
        return cls(_optional(raw["value"]), _interval(raw["ci"]))


@dataclass(frozen=True)
class TechniqueScore:
    """FLC scores restricted to one technique, with its merged predicted and gold span counts.

    The scores are None (undefined) when the technique has no gold and no predicted span.
    """

    flc_precision: float | None
    flc_recall: float | None
    flc_f1: float | None
    n_pred: int
    n_gold: int

    def to_json(self) -> dict[str, Any]:
        """The per-technique object of results.json."""
        return asdict(self)

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> TechniqueScore:
        """The inverse of `to_json`."""
        return cls(
            _optional(raw["flc_precision"]),
            _optional(raw["flc_recall"]),
            _optional(raw["flc_f1"]),
            raw["n_pred"],
            raw["n_gold"],
        )


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

    def to_json(self) -> dict[str, Any]:
        """One entry of results.json's `systems`."""
        return {
            "metrics": {name: metric.to_json() for name, metric in self.metrics.items()},
            "per_technique": {label: score.to_json() for label, score in self.per_technique.items()},
            "errors": dict(self.errors),
            "counts": asdict(self.counts),
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> SystemResults:
        """The inverse of `to_json`."""
        return cls(
            metrics={name: MetricValue.from_json(m) for name, m in raw["metrics"].items()},
            per_technique={label: TechniqueScore.from_json(s) for label, s in raw["per_technique"].items()},
            errors=dict(raw["errors"]),
            counts=SystemCounts(**{f.name: raw["counts"][f.name] for f in fields(SystemCounts)}),
        )


@dataclass(frozen=True)
class Comparison:
    """A paired test of one metric between two systems on the same articles (difference = b - a)."""

    metric: str
    system_a: str
    system_b: str
    difference: float
    ci: tuple[float, float]
    p_value: float
    method: str
    iterations: int

    def to_json(self) -> dict[str, Any]:
        """One entry of results.json's `comparisons`."""
        return {**asdict(self), "ci": list(self.ci)}

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Comparison:
        """The inverse of `to_json`."""
        return cls(
            metric=raw["metric"],
            system_a=raw["system_a"],
            system_b=raw["system_b"],
            difference=float(raw["difference"]),
            ci=(float(raw["ci"][0]), float(raw["ci"][1])),
            p_value=float(raw["p_value"]),
            method=raw["method"],
            iterations=raw["iterations"],
        )


@dataclass(frozen=True)
class DataInfo:
    """Which corpus the run was scored on; runs with different hashes are never ranked together."""

    dir: str
    hash: str
    is_sample: bool
    n_articles: int
    n_windows: int


DEFAULT_APPROACH = "generate"  # the approach of records (and manifests) that name none


@dataclass(frozen=True)
class ModelInfo:
    """The base model of a run."""

    base: str
    revision: str | None
    quantization: str
    approach: str = DEFAULT_APPROACH  # a name of `benchmark.approaches.APPROACHES`
    endpoint: str | None = None  # the server's base URL when a served model answered (`--endpoint`)

    @property
    def label(self) -> str:
        """How tables name the model: the base, the approach when it is not generation, and the
        server when a served model answered (so a local and a served model of one name stay apart)."""
        label = self.base if self.approach == DEFAULT_APPROACH else f"{self.base} ({self.approach})"
        return label if self.endpoint is None else f"{label} @ {self.endpoint}"

    def to_json(self) -> dict[str, Any]:
        """results.json's `model` (`endpoint` only for a served model, as files before it had none)."""
        document = asdict(self)
        if self.endpoint is None:
            del document["endpoint"]
        return document


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
    oracle: Mapping[str, float | None] | None
    adapter_changes_outputs: bool | None
    warnings: tuple[str, ...] = ()  # one line each, e.g. a system that collapsed to `{}`
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

    def to_pandas(self) -> Any:
        """A pandas DataFrame, one row per system and metric: value and 95% CI bounds (None when absent)."""
        import pandas as pd

        rows = [
            {
                "run_id": self.run_id,
                "task": self.task,
                "model": self.model.label,
                "split": self.split,
                "system": system,
                "metric": name,
                "value": metric.value,
                "ci_low": None if metric.ci is None else metric.ci[0],
                "ci_high": None if metric.ci is None else metric.ci[1],
            }
            for system, results in self.systems.items()
            for name, metric in results.metrics.items()
        ]
        return pd.DataFrame(rows)

    def to_json(self) -> dict[str, Any]:
        """The results.json document (`path` is where it lives, not part of it); `warnings` only when any."""
        document = {
            "schema_version": self.schema_version,
            "run_id": self.run_id,
            "created": self.created,
            "kind": self.kind,
            "task": self.task,
            "split": self.split,
            "prompt_variant": self.prompt_variant,
            "data": asdict(self.data),
            "model": self.model.to_json(),
            "adapter": None if self.adapter is None else asdict(self.adapter),
            "manifest_hash": self.manifest_hash,
            "systems": {name: system.to_json() for name, system in self.systems.items()},
            "comparisons": [comparison.to_json() for comparison in self.comparisons],
            "oracle": None if self.oracle is None else dict(self.oracle),
            "adapter_changes_outputs": self.adapter_changes_outputs,
        }
        if self.warnings:
            document["warnings"] = list(self.warnings)
        return document

    @classmethod
    def from_json(cls, raw: Mapping[str, Any], path: Path | None = None) -> RunResults:
        """The inverse of `to_json`, for a document already validated against the schema."""
        adapter = raw["adapter"]
        return cls(
            schema_version=raw["schema_version"],
            run_id=raw["run_id"],
            created=raw["created"],
            kind=raw["kind"],
            task=raw["task"],
            split=raw["split"],
            prompt_variant=raw["prompt_variant"],
            data=DataInfo(**{f.name: raw["data"][f.name] for f in fields(DataInfo)}),
            model=ModelInfo(
                raw["model"]["base"],
                raw["model"]["revision"],
                raw["model"]["quantization"],
                raw["model"].get("approach", "generate"),
                raw["model"].get("endpoint"),
            ),
            adapter=None
            if adapter is None
            else AdapterInfo(**{f.name: adapter[f.name] for f in fields(AdapterInfo)}),
            manifest_hash=raw["manifest_hash"],
            systems={name: SystemResults.from_json(system) for name, system in raw["systems"].items()},
            comparisons=tuple(Comparison.from_json(c) for c in raw["comparisons"]),
            oracle=None if raw["oracle"] is None else {k: _optional(v) for k, v in raw["oracle"].items()},
            adapter_changes_outputs=raw["adapter_changes_outputs"],
            warnings=tuple(raw.get("warnings", ())),  # absent in files written before warnings existed
            path=path,
        )


def text_hash(text: str) -> str:
    """Short stable hash of a prompt or completion (sha256, 16 hex digits)."""
    return sha256_text(text, 16)


@dataclass(frozen=True)
class SampleParse:
    """The parse result of one completion as logged in samples.jsonl."""

    ok: bool
    error: str | None
    message: str
    truncated: bool
    pairs: tuple[tuple[str, str], ...]

    @property
    def valid(self) -> bool:
        """A schema-valid answer that was not cut by the token limit."""
        return self.ok and not self.truncated


def _span_rows(spans: tuple[Span, ...]) -> list[list[Any]]:
    return [[span.start, span.end, span.technique] for span in spans]


def _spans(rows: list[list[Any]]) -> tuple[Span, ...]:
    return tuple(Span(row[0], row[1], row[2]) for row in rows)


@dataclass(frozen=True)
class SampleRecord:
    """One (system, window) generation: raw completion, parse, aligned spans and the window's gold.

    Spans are in article offsets; `unaligned` holds the (phrase, technique) pairs not found in the text.
    """

    system: str
    article_id: str
    window_index: int
    window_offset: int
    prompt_hash: str
    completion_hash: str
    completion: str
    parse: SampleParse
    spans: tuple[Span, ...]
    unaligned: tuple[tuple[str, str], ...]
    gold: tuple[Span, ...]
    window_text: str | None = None

    @property
    def n_pred(self) -> int:
        """Predicted spans of this sample."""
        return len(self.spans)

    @property
    def n_gold(self) -> int:
        """Gold spans of this sample's window."""
        return len(self.gold)

    @property
    def n_unaligned(self) -> int:
        """Phrases not found in the text."""
        return len(self.unaligned)

    def to_json(self) -> dict[str, Any]:
        """The samples.jsonl object (field names fixed by the run-folder format)."""
        document: dict[str, Any] = {
            "system": self.system,
            "article_id": self.article_id,
            "window_index": self.window_index,
            "window_offset": self.window_offset,
            "prompt_hash": self.prompt_hash,
            "completion_hash": self.completion_hash,
            "completion": self.completion,
            "parse": {**asdict(self.parse), "pairs": [list(pair) for pair in self.parse.pairs]},
            "spans": _span_rows(self.spans),
            "unaligned": [list(pair) for pair in self.unaligned],
            "gold": _span_rows(self.gold),
            "counts": {"n_pred": self.n_pred, "n_gold": self.n_gold, "n_unaligned": self.n_unaligned},
        }
        if self.window_text is not None:
            document["window_text"] = self.window_text
        return document

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> SampleRecord:
        """The inverse of `to_json`, for an object already validated against the schema."""
        parse = raw["parse"]
        return cls(
            system=raw["system"],
            article_id=raw["article_id"],
            window_index=raw["window_index"],
            window_offset=raw["window_offset"],
            prompt_hash=raw["prompt_hash"],
            completion_hash=raw["completion_hash"],
            completion=raw["completion"],
            parse=SampleParse(
                ok=parse["ok"],
                error=parse["error"],
                message=parse["message"],
                truncated=parse["truncated"],
                pairs=tuple((p[0], p[1]) for p in parse["pairs"]),
            ),
            spans=_spans(raw["spans"]),
            unaligned=tuple((p[0], p[1]) for p in raw["unaligned"]),
            gold=_spans(raw["gold"]),
            window_text=raw.get("window_text"),
        )
