"""The task registry: 17 built-in tasks, unique names, duplicates refused, labels consistent."""

from __future__ import annotations

import pytest

from ptc_bench.core.errors import UserError
from ptc_bench.core.techniques import LABELS, SLUGS, technique_by_slug
from ptc_bench.tasks import Task, get_task, list_tasks, register_task
from ptc_bench.tasks.definitions import TECHNIQUE_TEXTS
from ptc_bench.tasks.registry import _REGISTRY


def test_seventeen_tasks_with_unique_names() -> None:
    names = [task.name for task in list_tasks()]
    assert len(names) == 17
    assert len(set(names)) == 17
    assert set(names) == set(SLUGS) | {"all-techniques", "span-identification", "technique-classification"}


@pytest.mark.parametrize("slug", SLUGS)
def test_every_slug_maps_to_its_label(slug: str) -> None:
    task = get_task(slug)
    label = technique_by_slug(slug).label
    assert task.kind == "technique"
    assert task.labels == (label,)
    assert task.gold_labels == (label,)
    assert task.definition == TECHNIQUE_TEXTS[label].definition
    assert task.max_new_tokens < get_task("all-techniques").max_new_tokens


def test_combined_tasks() -> None:
    assert get_task("all-techniques").labels == LABELS
    assert get_task("technique-classification").labels == LABELS
    si = get_task("span-identification")
    assert si.labels == ("propaganda",)
    assert si.gold_labels is None
    assert get_task("technique-classification").max_new_tokens < get_task("name-calling").max_new_tokens


def test_every_definition_is_one_paragraph_of_substance() -> None:
    for label in LABELS:
        definition = TECHNIQUE_TEXTS[label].definition
        assert "\n" not in definition
        assert len(definition.split()) >= 25, label
        assert "Mark" in definition, f"{label}: should say what to annotate"


def test_duplicate_name_is_refused() -> None:
    clone = Task("name-calling", "technique", ("Name_Calling,Labeling",), None, "x", 10)
    with pytest.raises(ValueError, match="already registered"):
        register_task(clone)
    assert get_task("name-calling") is not clone


def test_register_new_task_then_remove() -> None:
    task = Task("test-only-task", "technique", ("Doubt",), ("Doubt",), "a definition", 16)
    try:
        assert register_task(task) is task
        assert get_task("test-only-task") is task
        assert list_tasks()[-1] is task
    finally:
        _REGISTRY.pop("test-only-task", None)


def test_unknown_task_names_the_known_ones() -> None:
    with pytest.raises(UserError, match=r"unknown task 'name-caling'.*name-calling"):
        get_task("name-caling")


def test_invalid_task_fields() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        Task("x", "bogus", ("Doubt",), None, "d", 10)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_new_tokens"):
        Task("x", "technique", ("Doubt",), None, "d", 0)
    with pytest.raises(ValueError, match="at least one"):
        Task("x", "technique", (), None, "d", 10)
