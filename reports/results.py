"""Read run folders: results.json and samples.jsonl, validated against their JSON schemas."""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema import Draft202012Validator

from benchmark.errors import DataError
from reports.records import (
    AdapterInfo,
    Comparison,
    DataInfo,
    MetricValue,
    ModelInfo,
    RunResults,
    SampleParse,
    SampleRecord,
    SampleSpan,
    SystemCounts,
    SystemResults,
    TechniqueScore,
)

logger = logging.getLogger(__name__)

RESULTS_FILE = "results.json"
SAMPLES_FILE = "samples.jsonl"
SCHEMA_DIR = Path(__file__).resolve().parent


@cache
def _validator(name: str) -> Draft202012Validator:
    """The validator of one of the schemas shipped next to this module."""
    schema = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def results_schema() -> dict[str, Any]:
    """The JSON schema of results.json (draft 2020-12)."""
    return dict(_validator("results_schema.json").schema)


def _first_error(document: object, schema_name: str) -> str | None:
    """'<json path>: <message>' for the most relevant schema violation, or None when valid."""
    error = jsonschema.exceptions.best_match(_validator(schema_name).iter_errors(document))
    if error is None:
        return None
    return f"{error.json_path}: {error.message}"


def _interval(value: list[float] | None) -> tuple[float, float] | None:
    return None if value is None else (float(value[0]), float(value[1]))


def _system(raw: dict[str, Any]) -> SystemResults:
    return SystemResults(
        metrics={
            name: MetricValue(float(m["value"]), _interval(m["ci"])) for name, m in raw["metrics"].items()
        },
        per_technique={
            label: TechniqueScore(
                float(s["flc_precision"]),
                float(s["flc_recall"]),
                float(s["flc_f1"]),
                s["n_pred"],
                s["n_gold"],
            )
            for label, s in raw["per_technique"].items()
        },
        errors=dict(raw["errors"]),
        counts=SystemCounts(**{key: raw["counts"][key] for key in SystemCounts.__dataclass_fields__}),
    )


def results_from_dict(raw: dict[str, Any], path: Path | None = None) -> RunResults:
    """Build RunResults from an already validated results.json document."""
    adapter = raw["adapter"]
    return RunResults(
        schema_version=raw["schema_version"],
        run_id=raw["run_id"],
        created=raw["created"],
        kind=raw["kind"],
        task=raw["task"],
        split=raw["split"],
        prompt_variant=raw["prompt_variant"],
        data=DataInfo(**{key: raw["data"][key] for key in DataInfo.__dataclass_fields__}),
        model=ModelInfo(
            raw["model"]["base"],
            raw["model"]["revision"],
            raw["model"]["quantization"],
            raw["model"].get("approach", "generate"),
        ),
        adapter=None if adapter is None else AdapterInfo(adapter["path"], adapter["hash"], adapter["task"]),
        manifest_hash=raw["manifest_hash"],
        systems={name: _system(system) for name, system in raw["systems"].items()},
        comparisons=tuple(
            Comparison(
                metric=c["metric"],
                system_a=c["system_a"],
                system_b=c["system_b"],
                difference=float(c["difference"]),
                ci=(float(c["ci"][0]), float(c["ci"][1])),
                p_value=float(c["p_value"]),
                method=c["method"],
                iterations=c["iterations"],
            )
            for c in raw["comparisons"]
        ),
        oracle=None if raw["oracle"] is None else {k: float(v) for k, v in raw["oracle"].items()},
        adapter_changes_outputs=raw["adapter_changes_outputs"],
        path=path,
    )


def _non_finite(value: object, where: str = "$") -> str | None:
    """The JSON path of the first NaN or infinity in a decoded document (JSON schema lets them pass)."""
    if isinstance(value, float) and not math.isfinite(value):
        return where
    children = (
        value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    )
    for key, child in children:
        found = _non_finite(child, f"{where}[{key}]" if isinstance(key, int) else f"{where}.{key}")
        if found is not None:
            return found
    return None


def _semantic_error(raw: dict[str, Any]) -> str | None:
    """Cross-field checks the schema cannot express."""
    try:
        datetime.fromisoformat(raw["created"].replace("Z", "+00:00"))
    except ValueError:
        return f"$.created: {raw['created']!r} is not an ISO-8601 date-time"
    for index, comparison in enumerate(raw["comparisons"]):
        for key in ("system_a", "system_b"):
            if comparison[key] not in raw["systems"]:
                return f"$.comparisons[{index}].{key}: unknown system {comparison[key]!r}"
    return None


def load_results(path: Path) -> RunResults:
    """Read and validate a results.json (or the run folder holding one); DataError names what is wrong."""
    path = Path(path)
    if path.is_dir():
        path = path / RESULTS_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(path, None, "no such file (is this a run folder written by `bench run`?)") from None
    except OSError as error:
        raise DataError(path, None, f"cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise DataError(path, None, f"not valid UTF-8 at byte {error.start}") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise DataError(path, error.lineno, f"invalid JSON: {error.msg}") from None
    non_finite = _non_finite(raw)
    if non_finite is not None:  # before the schema, whose bounds NaN slips through
        raise DataError(path, None, f"{non_finite}: NaN or infinity is not a score")
    message = _first_error(raw, "results_schema.json") or _semantic_error(raw)
    if message is not None:
        raise DataError(path, None, message)
    return results_from_dict(raw, path)


def _span(raw: list[Any]) -> SampleSpan:
    return SampleSpan(raw[0], raw[1], raw[2])


def sample_from_dict(raw: dict[str, Any]) -> SampleRecord:
    """Build a SampleRecord from one validated samples.jsonl object."""
    parse = raw["parse"]
    return SampleRecord(
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
        spans=tuple(_span(s) for s in raw["spans"]),
        unaligned=tuple((p[0], p[1]) for p in raw["unaligned"]),
        gold=tuple(_span(s) for s in raw["gold"]),
        n_pred=raw["counts"]["n_pred"],
        n_gold=raw["counts"]["n_gold"],
        n_unaligned=raw["counts"]["n_unaligned"],
        window_text=raw.get("window_text"),
    )


def load_samples(path: Path) -> list[SampleRecord]:
    """Read and validate samples.jsonl (or the run folder holding one); DataError gives the line.

    A torn last line (a process killed while writing it) is skipped with a warning, as the
    completion cache does; a bad line anywhere else is an error.
    """
    path = Path(path)
    if path.is_dir():
        path = path / SAMPLES_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(path, None, "no such file") from None
    except OSError as error:
        raise DataError(path, None, f"cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise DataError(path, None, f"not valid UTF-8 at byte {error.start}") from None
    lines = text.split("\n")
    records: list[SampleRecord] = []
    for line_number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as error:
            if line_number == len(lines):  # no newline after it: the write was cut short
                logger.warning("%s:%d: skipping a torn last line (%s)", path, line_number, error.msg)
                continue
            raise DataError(path, line_number, f"invalid JSON: {error.msg}") from None
        message = _first_error(raw, "samples_schema.json")
        if message is not None:
            raise DataError(path, line_number, message)
        records.append(sample_from_dict(raw))
    return records


def find_runs(runs_dir: Path) -> list[Path]:
    """Every folder under `runs_dir` (itself included) that holds a results.json, sorted.

    A `results.json` that is not a plain file (a folder, say) is found too, so that reading it
    reports it instead of silently leaving the run out.
    """
    runs_dir = Path(runs_dir)
    if not runs_dir.is_dir():
        raise DataError(runs_dir, None, "not a folder")
    return sorted(path.parent for path in runs_dir.rglob(RESULTS_FILE))


def load_runs(runs_dir: Path) -> list[RunResults]:
    """load_results for every run folder under `runs_dir`."""
    return [load_results(run_dir) for run_dir in find_runs(runs_dir)]


@dataclass(frozen=True)
class UnreadableRun:
    """A run folder whose results.json cannot be read or is invalid, and why."""

    run_dir: Path
    reason: str


def load_runs_tolerant(runs_dir: Path) -> tuple[list[RunResults], list[UnreadableRun]]:
    """Every readable run under `runs_dir`, and the unreadable or invalid ones with the reason."""
    runs: list[RunResults] = []
    unreadable: list[UnreadableRun] = []
    for run_dir in find_runs(runs_dir):
        try:
            runs.append(load_results(run_dir))
        except DataError as error:
            unreadable.append(UnreadableRun(run_dir, str(error)))
    return runs, unreadable
