"""Read run folders: results.json and samples.jsonl, validated against their JSON schemas."""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema import Draft202012Validator

from ptc_bench.core.errors import DataError
from ptc_bench.core.manifests import unfinished_reason
from ptc_bench.core.records import SCHEMA_DIR, RunResults, SampleRecord

logger = logging.getLogger(__name__)

RESULTS_FILE = "results.json"
FUTURE_SLACK = timedelta(days=1)  # clocks differ between machines; a run dated later is refused
SAMPLES_FILE = "samples.jsonl"


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
        created = datetime.fromisoformat(raw["created"].replace("Z", "+00:00"))
    except ValueError:
        return f"$.created: {raw['created']!r} is not an ISO-8601 date-time"
    if created.tzinfo is None:
        created = created.replace(tzinfo=timezone.utc)
    if created > datetime.now(timezone.utc) + FUTURE_SLACK:  # it would win every "newest run" choice
        return f"$.created: {raw['created']!r} is in the future"
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
        non_finite = _non_finite(raw)
        message = _first_error(raw, "results_schema.json") if non_finite is None else None
    except json.JSONDecodeError as error:
        raise DataError(path, error.lineno, f"invalid JSON: {error.msg}") from None
    except RecursionError:  # e.g. 100,000 '[': Python's parser and validator recurse per level
        raise DataError(path, None, "invalid JSON: nested too deeply to be a results file") from None
    if non_finite is not None:  # before the schema, whose bounds NaN slips through
        raise DataError(path, None, f"{non_finite}: NaN or infinity is not a score")
    message = message or _semantic_error(raw)
    if message is not None:
        raise DataError(path, None, message)
    return RunResults.from_json(raw, path)


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
            message = _first_error(raw, "samples_schema.json")
        except json.JSONDecodeError as error:
            if line_number == len(lines):  # no newline after it: the write was cut short
                logger.warning("%s:%d: skipping a torn last line (%s)", path, line_number, error.msg)
                continue
            raise DataError(path, line_number, f"invalid JSON: {error.msg}") from None
        except RecursionError:
            raise DataError(path, line_number, "invalid JSON: nested too deeply") from None
        if message is not None:
            raise DataError(path, line_number, message)
        records.append(SampleRecord.from_json(raw))
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
        status = unfinished_reason(run_dir)
        if status is not None:
            unreadable.append(UnreadableRun(run_dir, status))
            continue
        try:
            runs.append(load_results(run_dir))
        except DataError as error:
            unreadable.append(UnreadableRun(run_dir, str(error)))
    return runs, unreadable
