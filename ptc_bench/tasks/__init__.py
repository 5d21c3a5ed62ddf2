"""Task definitions: per technique and for the multi-technique, SI and TC settings."""

from __future__ import annotations

from ptc_bench.tasks.answer import format_answer, format_classification, target_pairs
from ptc_bench.tasks.classification import render_classification
from ptc_bench.tasks.prompt import VARIANTS, Prompt
from ptc_bench.tasks.registry import get_task, list_tasks, register_task
from ptc_bench.tasks.shots import select_shots
from ptc_bench.tasks.task import Task

__all__ = [
    "VARIANTS",
    "Prompt",
    "Task",
    "format_answer",
    "format_classification",
    "get_task",
    "list_tasks",
    "register_task",
    "render_classification",
    "select_shots",
    "target_pairs",
]
