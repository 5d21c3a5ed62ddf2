"""The 14 SemEval-2020 Task 11 techniques: label as spelled in the PTC files and CLI slug."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Technique:
    """A propaganda technique: its PTC label and the slug used on the command line."""

    label: str
    slug: str


TECHNIQUES: tuple[Technique, ...] = (
    Technique("Appeal_to_Authority", "appeal-to-authority"),
    Technique("Appeal_to_fear-prejudice", "appeal-to-fear-prejudice"),
    Technique("Bandwagon,Reductio_ad_hitlerum", "bandwagon-reductio-ad-hitlerum"),
    Technique("Black-and-White_Fallacy", "black-and-white-fallacy"),
    Technique("Causal_Oversimplification", "causal-oversimplification"),
    Technique("Doubt", "doubt"),
    Technique("Exaggeration,Minimisation", "exaggeration-minimisation"),
    Technique("Flag-Waving", "flag-waving"),
    Technique("Loaded_Language", "loaded-language"),
    Technique("Name_Calling,Labeling", "name-calling"),
    Technique("Repetition", "repetition"),
    Technique("Slogans", "slogans"),
    Technique("Thought-terminating_Cliches", "thought-terminating-cliches"),
    Technique("Whataboutism,Straw_Men,Red_Herring", "whataboutism-straw-men-red-herring"),
)

LABELS: tuple[str, ...] = tuple(t.label for t in TECHNIQUES)
SLUGS: tuple[str, ...] = tuple(t.slug for t in TECHNIQUES)
_BY_SLUG = {t.slug: t for t in TECHNIQUES}


def technique_by_slug(slug: str) -> Technique:
    """The technique with this CLI slug; KeyError naming the valid slugs otherwise."""
    try:
        return _BY_SLUG[slug]
    except KeyError:
        raise KeyError(f"unknown technique slug {slug!r}; expected one of {', '.join(SLUGS)}") from None


def task_order(tasks: set[str] | list[str]) -> list[str]:
    """Tasks in technique order (the 14 slugs as in the PTC), other tasks after, alphabetically."""
    names = set(tasks)
    return [slug for slug in SLUGS if slug in names] + sorted(names - set(SLUGS))
