"""HTML sample browser: window text with gold and predicted spans highlighted, per system side by side.

Everything that comes from the corpus or from a model (text, completion, phrases, messages) goes
through `html.escape`, so a completion containing `<script>` shows as text and never runs.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Callable, Sequence
from itertools import pairwise
from pathlib import Path

from ptc_bench.core.records import SampleRecord
from ptc_bench.core.types import Span

TextLookup = Callable[[str], str | None]
COMPLETION_PREVIEW_CHARS = 2000  # longer raw completions are folded behind <details>


def article_text_lookup(data_dir: str | Path) -> TextLookup:
    """Find `article<ID>.txt` in any `*-articles` folder of a PTC-format data dir (None when absent)."""
    root = Path(data_dir)

    def lookup(article_id: str) -> str | None:
        if not root.is_dir():
            return None
        for folder in sorted(root.glob("*-articles")):
            candidate = folder / f"article{article_id}.txt"
            if candidate.is_file():
                try:
                    with candidate.open(encoding="utf-8", newline="") as handle:
                        return handle.read()
                except (OSError, UnicodeDecodeError):  # unreadable: the browser says the text is missing
                    return None
        return None

    return lookup


def choose_articles(samples: Sequence[SampleRecord], count: int) -> list[str]:
    """The `count` articles with the most gold plus predicted spans (ties by id): the most to look at."""
    weight: dict[str, int] = defaultdict(int)
    for sample in samples:
        weight[sample.article_id] += len(sample.spans) + len(sample.gold) + len(sample.unaligned)
    return sorted(weight, key=lambda a: (-weight[a], a))[:count]


def window_texts(samples: Sequence[SampleRecord], article_text: str | None) -> dict[int, str]:
    """Text of each window of one article: logged `window_text`, else the article between window offsets."""
    offsets = sorted({(s.window_index, s.window_offset) for s in samples})
    texts: dict[int, str] = {}
    for position, (index, offset) in enumerate(offsets):
        logged = next((s.window_text for s in samples if s.window_index == index and s.window_text), None)
        if logged is not None:
            texts[index] = logged
        elif article_text is not None:
            end = offsets[position + 1][1] if position + 1 < len(offsets) else len(article_text)
            texts[index] = article_text[offset:end]
    return texts


def _techniques(spans: Sequence[Span], start: int, end: int) -> list[str]:
    return sorted({s.technique or "span" for s in spans if s.start < end and start < s.end})


def highlight(text: str, offset: int, gold: Sequence[Span], predicted: Sequence[Span]) -> str:
    """The window text as escaped HTML, segments inside gold / predicted / both spans marked."""
    end = offset + len(text)
    cuts = {offset, end}
    for span in (*gold, *predicted):
        cuts.update(min(max(point, offset), end) for point in (span.start, span.end))
    points = sorted(cuts)
    parts = []
    for start, stop in pairwise(points):
        piece = html.escape(text[start - offset : stop - offset])
        in_gold = _techniques(gold, start, stop)
        in_pred = _techniques(predicted, start, stop)
        if not in_gold and not in_pred:
            parts.append(piece)
            continue
        kind = "both" if in_gold and in_pred else "gold" if in_gold else "pred"
        title = "; ".join(
            part
            for part in (
                f"gold: {', '.join(in_gold)}" if in_gold else "",
                f"predicted: {', '.join(in_pred)}" if in_pred else "",
            )
            if part
        )
        parts.append(f'<mark class="{kind}" title="{html.escape(title, quote=True)}">{piece}</mark>')
    return "".join(parts)


def _pairs_list(pairs: Sequence[tuple[str, str]]) -> str:
    if not pairs:
        return '<p class="muted">none</p>'
    items = "".join(
        f"<li><q>{html.escape(phrase)}</q> → {html.escape(technique)}</li>" for phrase, technique in pairs
    )
    return f"<ul>{items}</ul>"


def completion_html(completion: str, limit: int = COMPLETION_PREVIEW_CHARS) -> str:
    """The raw completion, escaped; a long one shows its start, with the whole text behind <details>."""
    if len(completion) <= limit:
        return f"<pre>{html.escape(completion)}</pre>"
    return (
        f"<pre>{html.escape(completion[:limit])}…</pre>"
        f"<details><summary>show all {len(completion):,} characters</summary>"
        f"<pre>{html.escape(completion)}</pre></details>"
    )


def _system_panel(sample: SampleRecord, text: str | None) -> str:
    if text is None:
        body = '<p class="muted">window text not available (article file not found in the data dir)</p>'
    else:
        body = f'<div class="window">{highlight(text, sample.window_offset, sample.gold, sample.spans)}</div>'
    parse = sample.parse
    status = "parsed" if parse.ok else f"error: {parse.error}"
    if parse.truncated:
        status += " (truncated)"
    message = f" — {html.escape(parse.message)}" if parse.message else ""
    return (
        f'<div class="panel"><h4>{html.escape(sample.system)}</h4>{body}'
        f"<h5>Raw completion</h5>{completion_html(sample.completion)}"
        f'<h5>Parse</h5><p class="{"ok" if parse.ok else "bad"}">{html.escape(status)}{message}</p>'
        f"{_pairs_list(parse.pairs)}"
        f"<h5>Unaligned phrases (not found in the text)</h5>{_pairs_list(sample.unaligned)}</div>"
    )


def sample_browser(samples: Sequence[SampleRecord], lookup: TextLookup, count: int = 3) -> str:
    """HTML for the windows of the `count` most annotated articles, systems side by side."""
    if not samples:
        return '<p class="muted">no samples.jsonl in this run</p>'
    sections = []
    system_rank = {"base": 0, "adapted": 1}
    for article_id in choose_articles(samples, count):
        article_samples = [s for s in samples if s.article_id == article_id]
        texts = window_texts(article_samples, lookup(article_id))
        by_window: dict[int, list[SampleRecord]] = defaultdict(list)
        for sample in article_samples:
            by_window[sample.window_index].append(sample)
        windows: list[str] = []
        for index in sorted(by_window):
            records = sorted(by_window[index], key=lambda s: (system_rank.get(s.system, 2), s.system))
            gold = len(records[0].gold)
            predicted = ", ".join(f"{html.escape(r.system)} {len(r.spans)}" for r in records)
            summary = (
                f"window {index} · offset {records[0].window_offset} · gold {gold} · predicted {predicted}"
            )
            panels = "".join(_system_panel(r, texts.get(index)) for r in records)
            windows.append(
                f"<details{' open' if not windows else ''}><summary>{summary}</summary>"
                f'<div class="pair">{panels}</div></details>'
            )
        sections.append(f"<section><h3>Article {html.escape(article_id)}</h3>{''.join(windows)}</section>")
    legend = (
        '<p class="legend"><mark class="gold">gold only</mark> <mark class="pred">predicted only</mark> '
        '<mark class="both">gold and predicted</mark> (hover a mark for its techniques)</p>'
    )
    return legend + "".join(sections)
