"""Checks that run before any model work, so a bad option costs a second, not a model load."""

from __future__ import annotations

import os
from pathlib import Path

from benchmark.errors import UserError

PATH_PREFIXES = (".", "/", "~")


def check_model_reference(model: str) -> None:
    """Refuse a --model that cannot be found: a missing local folder, or (offline) an uncached hub id.

    A hub id is `name` or `owner/name`; anything else that does not exist on disk is taken as a
    folder path. Bare names are left to the loader (they may be the model catalogue's names).
    """
    if model == "tiny":
        return
    if Path(model).expanduser().exists():
        return
    if _looks_like_path(model):
        raise UserError(f"model folder not found: {model} (pass --model /path/to/folder or a hub id)")
    if "/" in model and _offline() and not _in_hub_cache(model):
        raise UserError(
            f"model {model!r} not found in the local Hugging Face cache (offline mode); point at a "
            f"local folder with --model /path/to/folder or download it first (hf download {model})"
        )


def _looks_like_path(model: str) -> bool:
    """True for strings that cannot be a hub id: path prefixes, backslashes, two or more slashes."""
    return model.startswith(PATH_PREFIXES) or "\\" in model or model.count("/") > 1 or model.endswith("/")


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on")


def _in_hub_cache(repo_id: str) -> bool:
    """Whether the hub cache holds this model's config.json (no network)."""
    try:
        from huggingface_hub import try_to_load_from_cache

        found = try_to_load_from_cache(repo_id, "config.json")
    except (ImportError, ValueError):  # an invalid repo id is a ValueError
        return False
    return isinstance(found, str)
