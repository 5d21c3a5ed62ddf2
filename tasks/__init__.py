"""Task definitions: per technique and for the multi-technique, SI and TC settings."""

from __future__ import annotations

from tasks.answer import format_answer, format_classification, target_pairs
from tasks.classification import render_classification
from tasks.prompt import VARIANTS, Prompt
from tasks.registry import get_task, list_tasks, register_task
from tasks.shots import select_shots
from tasks.task import Task

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
