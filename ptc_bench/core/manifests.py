"""The manifests: what a run folder and a training folder record about how they were made.

`RunManifest` is a run folder's manifest.json (written by `benchmark/run/writer.py`, read back by
`bench compare` to repeat a run's settings); `TrainManifest` is a training folder's manifest.json
(an adapter's or a tagger's: written by the trainers, read to decide whether a finished one can be
reused). Both are written and read through these types only; the JSON layout is what earlier
versions wrote, so older folders read unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RUN_FIELDS = (
    "identity",
    "base_model",
    "data_dir",
    "data_option",
    "wall_seconds",
    "n_prompts",
    "versions",
    "host",
    "world_size",
    "status",
    "started",
    "finished",
    "error",
    "toolkit",
)
STATUSES = ("running", "success", "error", "interrupted")


@dataclass(frozen=True)
class RunManifest:
    """A run folder's manifest.json: the identity that names the run, and where and how it ran."""

    identity: dict[str, Any]  # what changes the numbers (`RunSpec.identity` + data, adapter, model hashes)
    base_model: dict[str, Any] | None
    data_dir: str
    data_option: str | None  # the --data-dir as resolved; None for the sample corpus
    wall_seconds: float
    n_prompts: int
    versions: dict[str, str | None]  # None: not installed
    host: str
    world_size: int
    status: str = "success"  # running, success, error or interrupted (older manifests: success)
    started: str | None = None  # ISO times, UTC
    finished: str | None = None
    error: str | None = None  # the one line of a run that ended in an error
    toolkit: dict[str, Any] | None = None  # ptc-bench version, git commit and dirty flag of a checkout

    def to_json(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in RUN_FIELDS}

    @property
    def finished_ok(self) -> bool:
        """The run completed and its results are the ones this manifest describes."""
        return self.status == "success"

    @classmethod
    def from_json(cls, data: object, source: str) -> RunManifest:
        """Read a parsed manifest.json; ValueError naming `source` when it is not one."""
        if not isinstance(data, Mapping) or not isinstance(data.get("identity"), Mapping):
            raise ValueError(f"{source}: not a run manifest (no identity)")
        return cls(
            identity=dict(data["identity"]),
            base_model=dict(data["base_model"]) if isinstance(data.get("base_model"), Mapping) else None,
            data_dir=str(data.get("data_dir", "")),
            data_option=None if data.get("data_option") is None else str(data["data_option"]),
            wall_seconds=float(data.get("wall_seconds", 0.0)),
            n_prompts=int(data.get("n_prompts", 0)),
            versions=dict(data.get("versions") or {}),
            host=str(data.get("host", "")),
            world_size=int(data.get("world_size", 1)),
            status=str(data.get("status", "success")),
            started=_optional_text(data.get("started")),
            finished=_optional_text(data.get("finished")),
            error=_optional_text(data.get("error")),
            toolkit=dict(data["toolkit"]) if isinstance(data.get("toolkit"), Mapping) else None,
        )

    @classmethod
    def read(cls, path: Path) -> RunManifest:
        """`path` read and parsed; ValueError naming the file when it is missing or not a manifest."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ValueError(f"{path}: cannot read the run's manifest ({error})") from None
        return cls.from_json(data, str(path))


def _optional_text(value: object) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class TrainManifest:
    """A training folder's manifest.json (an adapter's or a tagger's)."""

    kind: str  # "adapter" or "tagger": what the folder beside the manifest holds
    created: str
    context: dict[str, Any]  # the caller's fields: task, model, recipe_hash, variant, ...
    base_model: dict[str, Any]
    device: str
    data: dict[str, Any]
    hyperparameters: dict[str, Any]
    config_hash: str
    train_loss: float | None
    eval_loss: float | None
    global_step: int
    epochs_run: float | None
    resumed_from: str | None
    wall_seconds: float
    log_history: list[dict[str, Any]]
    versions: dict[str, str | None]  # None: not installed
    details: dict[str, Any] = field(default_factory=dict)  # the trainer's own: compute, tokens, layers, ...

    @property
    def task(self) -> str | None:
        value = self.context.get("task")
        return None if value is None else str(value)

    @property
    def recipe_hash(self) -> str | None:
        value = self.context.get("recipe_hash")
        return str(value) if value else None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "created": self.created,
            **self.context,
            "base_model": self.base_model,
            "device": self.device,
            **self.details,
            "data": self.data,
            "hyperparameters": self.hyperparameters,
            "config_hash": self.config_hash,
            "train_loss": self.train_loss,
            "eval_loss": self.eval_loss,
            "global_step": self.global_step,
            "epochs_run": self.epochs_run,
            "resumed_from": self.resumed_from,
            "wall_seconds": self.wall_seconds,
            "log_history": self.log_history,
            "versions": self.versions,
        }

    def write_text(self) -> str:
        """The manifest.json text (values JSON cannot hold written as strings)."""
        return json.dumps(self.to_json(), indent=2, default=str) + "\n"

    @classmethod
    def from_json(cls, data: object, source: str, *, context_keys: tuple[str, ...] = ()) -> TrainManifest:
        """Read a parsed manifest.json; ValueError naming `source` when it is not one.

        Keys that are neither fields nor `context_keys` are the trainer's `details`.
        """
        if not isinstance(data, Mapping) or "kind" not in data or "hyperparameters" not in data:
            raise ValueError(f"{source}: not a training manifest")
        fixed = {name for name in cls.__dataclass_fields__ if name not in ("context", "details")}
        context = {key: value for key, value in data.items() if key in CONTEXT_KEYS + context_keys}
        details = {key: value for key, value in data.items() if key not in fixed and key not in context}
        return cls(
            kind=str(data["kind"]),
            created=str(data.get("created", "")),
            context=context,
            base_model=dict(data.get("base_model") or {}),
            device=str(data.get("device", "")),
            data=dict(data.get("data") or {}),
            hyperparameters=dict(data["hyperparameters"]),
            config_hash=str(data.get("config_hash", "")),
            train_loss=data.get("train_loss"),
            eval_loss=data.get("eval_loss"),
            global_step=int(data.get("global_step", 0)),
            epochs_run=data.get("epochs_run"),
            resumed_from=data.get("resumed_from"),
            wall_seconds=float(data.get("wall_seconds", 0.0)),
            log_history=list(data.get("log_history") or []),
            versions=dict(data.get("versions") or {}),
            details=details,
        )

    @classmethod
    def read(cls, path: Path) -> TrainManifest | None:
        """The manifest at `path`, or None when it is missing, unreadable or not a training manifest."""
        try:
            return cls.from_json(json.loads(path.read_text(encoding="utf-8")), str(path))
        except (OSError, ValueError):
            return None


CONTEXT_KEYS: tuple[str, ...] = ("task", "model", "recipe_hash", "variant", "window_chars", "approach")


def unfinished_reason(run_dir: Path) -> str | None:
    """None for a finished run; else why not (its manifest says running, error or interrupted).

    A run folder without a manifest, or with one written before manifests had a status, is finished.
    """
    path = Path(run_dir) / "manifest.json"
    if not path.is_file():
        return None
    try:
        manifest = RunManifest.read(path)
    except ValueError:
        return None  # unreadable manifests are the readers' business (bench compare, publish)
    if manifest.finished_ok:
        return None
    detail = f": {manifest.error}" if manifest.error else ""
    return f"unfinished: its last attempt is {manifest.status}{detail} (re-run it)"
