"""A sweep plan: jobs of `bench run` / `bench eval` (tasks x models x approaches) read from a TOML file.

```toml
[sweep]
runs_dir = "runs"                  # where every job's run folder goes (relative to this file)
publish = "results/ptc-dev"        # optional: publish each finished run there (`bench publish`)

[defaults]                         # flags every job gets, by their long names
data_dir = "../shared/ptc"

[[job]]
label = "tagger"                   # optional: names the job in the console and the status table
tasks = "all"                      # a task, a list of tasks, or "all" (the 14 techniques)
approach = "tagger"                # or approaches = [...]
model = "minilm-l6"                # or models = [...]

[[job]]
command = "eval"                   # run (default) or eval
tasks = ["name-calling"]
constrained = true                 # a flag without a value: true
```

Each `[[job]]` table expands to one job per (model, approach, task); every other key is a flag of
the command, checked later by the command's own parser. Paths (`data_dir`, `config`, `adapter`) are
relative to the plan's folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomllib

from ptc_bench.core.errors import UserError
from ptc_bench.core.hashing import stable_hash
from ptc_bench.core.techniques import SLUGS

COMMANDS = ("run", "eval")
PATH_KEYS = ("data_dir", "config", "adapter")
EXPANDED = {"tasks": "task", "models": "model", "approaches": "approach"}  # list key -> flag
MAX_PLAN_BYTES = 1_000_000
MAX_JOBS = 5_000


@dataclass(frozen=True)
class Job:
    """One ordinary `bench run`/`bench eval` of the plan."""

    index: int  # 1-based position in the plan
    label: str  # the job table's label, or its command
    command: str  # run or eval
    task: str
    argv: tuple[str, ...]  # the command's arguments, --task and --runs-dir included

    @property
    def name(self) -> str:
        """`label task`, as the console and the status table show it."""
        return f"{self.label} {self.task}"

    @property
    def key(self) -> str:
        """What identifies the job across edits of the plan: its command line."""
        return stable_hash([self.command, *self.argv], 12)


@dataclass(frozen=True)
class Plan:
    """A plan file read and expanded: where runs go, where they are published, the jobs in order."""

    path: Path
    runs_dir: Path
    publish: Path | None
    jobs: tuple[Job, ...]


def read_plan(path: Path) -> Plan:
    """Read and expand a plan file; a bad plan is one UserError line naming the file (no work done)."""
    raw = _load(path)
    base = path.parent
    unknown = sorted(set(raw) - {"sweep", "defaults", "job"})
    if unknown:
        raise UserError(f"{path}: unknown table {unknown[0]!r}; expected [sweep], [defaults] and [[job]]")
    sweep = _table(raw, "sweep", path)
    bad = sorted(set(sweep) - {"runs_dir", "publish"})
    if bad:
        raise UserError(f"{path}: [sweep] {bad[0]!r} is not a setting; expected runs_dir or publish")
    runs_dir = base / _string(sweep.get("runs_dir", "runs"), "[sweep] runs_dir", path)
    publish = sweep.get("publish")
    publish_dir = None if publish is None else base / _string(publish, "[sweep] publish", path)
    defaults = _table(raw, "defaults", path)
    tables = raw.get("job", [])
    if not isinstance(tables, list) or not tables:
        raise UserError(f"{path}: no [[job]] table: a plan lists at least one job")
    jobs: list[Job] = []
    for number, table in enumerate(tables, start=1):
        if not isinstance(table, dict):
            raise UserError(f"{path}: [[job]] {number} is not a table")
        jobs += _expand({**defaults, **table}, number, len(jobs), base, runs_dir, path)
        if len(jobs) > MAX_JOBS:
            raise UserError(f"{path}: more than {MAX_JOBS} jobs; split the plan")
    seen: dict[str, Job] = {}
    for job in jobs:
        if job.key in seen:
            raise UserError(f"{path}: job {job.index} ({job.name}) repeats job {seen[job.key].index}")
        seen[job.key] = job
    return Plan(path=path, runs_dir=runs_dir, publish=publish_dir, jobs=tuple(jobs))


def _load(path: Path) -> dict[str, Any]:
    if path.suffix.lower() != ".toml":
        raise UserError(f"{path}: a sweep plan is a .toml file")
    try:
        if path.stat().st_size > MAX_PLAN_BYTES:
            raise UserError(f"{path}: over {MAX_PLAN_BYTES:,} bytes; a plan is a short file")
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"plan file not found: {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as error:
        raise UserError(f"{path}: cannot parse the plan: {str(error)[:200]}") from None
    except OSError as error:
        raise UserError(f"{path}: cannot read: {error.strerror or error}") from None


def _table(raw: dict[str, Any], name: str, path: Path) -> dict[str, Any]:
    value = raw.get(name, {})
    if not isinstance(value, dict):
        raise UserError(f"{path}: {name} must be a table ([{name}])")
    return value


def _string(value: Any, where: str, path: Path) -> str:
    if not isinstance(value, str) or not value:
        raise UserError(f"{path}: {where} must be a non-empty string")
    return value


def _expand(
    table: dict[str, Any], number: int, done: int, base: Path, runs_dir: Path, path: Path
) -> list[Job]:
    """The jobs of one [[job]] table (defaults merged in), in model, approach, task order."""
    where = f"{path}: [[job]] {number}"
    command = table.pop("command", "run")
    if command not in COMMANDS:
        raise UserError(f"{where}: command {command!r}: expected run or eval")
    label = table.pop("label", command)
    if not isinstance(label, str) or not label.strip():
        raise UserError(f"{where}: label must be a non-empty string")
    if "runs_dir" in table or "runs-dir" in table:
        raise UserError(f"{where}: runs_dir belongs to [sweep] (one runs folder for the whole plan)")
    lists: dict[str, list[str]] = {}
    for plural, single in EXPANDED.items():
        if plural in table and single in table:
            raise UserError(f"{where}: give {single} or {plural}, not both")
        value = table.pop(plural, table.pop(single, None))
        if value is None:
            continue
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values):
            raise UserError(f"{where}: {plural} must be a name or a non-empty list of names")
        lists[single] = [slug for v in values for slug in (SLUGS if single == "task" and v == "all" else [v])]
    if "task" not in lists:
        raise UserError(f"{where}: no task (tasks = [...] or task = ...)")
    flags = [option_argv(key, value, base, where) for key, value in sorted(table.items())]
    jobs: list[Job] = []
    for model in lists.get("model", [""]):  # "": the command's default
        for approach in lists.get("approach", [""]):
            for task in lists["task"]:
                argv = ["--task", task, "--runs-dir", str(runs_dir)]
                argv += ["--model", model] if model else []
                argv += ["--approach", approach] if approach else []
                argv += [part for flag in flags for part in flag]
                jobs.append(Job(done + len(jobs) + 1, label.strip(), command, task, tuple(argv)))
    return jobs


def option_argv(key: str, value: Any, base: Path, where: str) -> list[str]:
    """`--key value` (or `--key` for true, nothing for false) from one option; paths relative to `base`."""
    if not isinstance(key, str) or not key.replace("-", "_").replace("_", "").isalnum():
        raise UserError(f"{where}: {key!r} is not a flag name")
    name = key.replace("_", "-")
    if isinstance(value, bool):
        return [f"--{name}"] if value else []
    if isinstance(value, int | float):
        return [f"--{name}", str(value)]
    if isinstance(value, str):
        if key.replace("-", "_") in PATH_KEYS:
            value = str(base / value)
        return [f"--{name}", value]
    raise UserError(f"{where}: {key} = {value!r}: expected a string, a number or true/false")
