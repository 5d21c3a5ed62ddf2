"""Materialising markup as a PTC release folder, and the packaged sample corpus itself."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from ptc_bench.benchmark.data import load_split
from ptc_bench.benchmark.data.loader import read_gold_rows
from ptc_bench.benchmark.data.sample import materialise_sample, sample_markup_files
from ptc_bench.core.errors import DataError
from ptc_bench.core.techniques import LABELS
from ptc_bench.core.types import Span

TRAIN = (
    "# tiny fixture\n"
    "=== article 700002\nSecond {{doubt|maybe}}.\n"
    "=== article 700001\nTitle\n\n{{slogans|{{flag-waving|Make it great}}}} and {{loaded-language|a "
    "{{name-calling|vile}} plan}}.\n\n"
)
DEV = "=== article 700101\nNo propaganda here.\n"


def _markup(tmp_path: Path, train: str = TRAIN, dev: str = DEV) -> dict[str, Path]:
    files = {"train": tmp_path / "train.ptcmd", "dev": tmp_path / "dev.ptcmd"}
    files["train"].write_text(train, encoding="utf-8")
    files["dev"].write_text(dev, encoding="utf-8")
    return files


def test_materialised_folder_loads_like_a_release(tmp_path: Path) -> None:
    root = materialise_sample(tmp_path / "cache", _markup(tmp_path))
    assert root.parent == tmp_path / "cache" and root.name.startswith("sample-corpus-")
    train = load_split(root, "train")
    assert list(train.articles) == ["700001", "700002"]
    assert train.articles["700001"].text == "Title\n\nMake it great and a vile plan.\n"
    assert train.gold("700001") == (
        Span(7, 20, "Flag-Waving"),
        Span(7, 20, "Slogans"),
        Span(25, 36, "Loaded_Language"),
        Span(27, 31, "Name_Calling,Labeling"),
    )
    dev = load_split(root, "dev")
    assert dev.gold("700101") == ()
    si = read_gold_rows(root, "train", "si", train.articles)
    assert si is not None
    assert [(r.article_id, r.start, r.end) for r in si] == [
        ("700001", 7, 20),
        ("700001", 25, 36),
        ("700001", 27, 31),
        ("700002", 7, 12),
    ]
    concatenated = (root / "train-task-flc-tc.labels").read_text().splitlines()
    assert concatenated[0] == "700001\tFlag-Waving\t7\t20" and len(concatenated) == 5
    assert (root / "dev-labels-task-flc-tc" / "article700101.task-flc-tc.labels").read_bytes() == b""


def test_materialise_is_cached_by_content(tmp_path: Path) -> None:
    files = _markup(tmp_path)
    first = materialise_sample(tmp_path / "cache", files)
    marker = first / "marker"
    marker.write_text("kept")
    assert materialise_sample(tmp_path / "cache", files) == first and marker.exists()
    files["dev"].write_text(DEV.replace("No", "Still no"), encoding="utf-8")
    second = materialise_sample(tmp_path / "cache", files)
    assert second != first
    assert load_split(second, "dev").articles["700101"].text == "Still no propaganda here.\n"
    leftovers = [p.name for p in (tmp_path / "cache").iterdir() if not p.name.startswith("sample-corpus-")]
    assert leftovers == []


def test_markup_error_and_ids_in_two_splits(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"train\.ptcmd:3: unknown technique slug 'nope'"):
        materialise_sample(tmp_path / "cache", _markup(tmp_path, train="=== article 1\nx\n{{nope|y}}\n"))
    with pytest.raises(DataError, match=r"dev\.ptcmd:1: article 700002 is also in split 'train'"):
        materialise_sample(tmp_path / "cache", _markup(tmp_path, dev="=== article 700002\ny\n"))
    assert not list((tmp_path / "cache").glob("sample-corpus-*"))


def test_packaged_sample_corpus() -> None:
    files = sample_markup_files()
    if not all(path.is_file() for path in files.values()):
        pytest.skip("the packaged sample corpus (benchmark/data/sample_corpus/*.ptcmd) is not written yet")
    root = materialise_sample()
    train, dev = load_split(root, "train"), load_split(root, "dev")
    assert len(train.articles) + len(dev.articles) >= 24 and dev.articles
    counts = Counter(s.technique for split in (train, dev) for spans in split.spans.values() for s in spans)
    assert {label: counts[label] for label in LABELS if counts[label] < 5} == {}
