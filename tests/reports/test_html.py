"""The HTML report: parses, escapes everything a model wrote, needs no network, highlights spans."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType

from ptc_bench.core.types import Span
from ptc_bench.reports.results import load_results, load_samples
from ptc_bench.reports.run_report import render_html
from ptc_bench.reports.sample_browser import highlight


class _Page(HTMLParser):
    """Collects tags, URL attributes and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.urls: list[str] = []
        self.text: list[str] = []
        self.marks: list[tuple[str, str]] = []
        self._mark: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.urls += [value or "" for name, value in attrs if name in ("src", "href")]
        if tag == "mark":
            self._mark = dict(attrs).get("class") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self._mark = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._mark is not None:
            self.marks.append((self._mark, data))


def _parse(html_text: str) -> _Page:
    page = _Page()
    page.feed(html_text)
    page.close()
    return page


def test_completion_with_script_shows_as_text(run_dir: Path, fake: ModuleType) -> None:
    page_html = render_html(load_results(run_dir), load_samples(run_dir))
    page = _parse(page_html)
    assert "script" not in page.tags
    assert fake.SCRIPT_COMPLETION in "".join(page.text)
    assert "&lt;script&gt;" in page_html


def test_no_external_urls(run_dir: Path) -> None:
    page_html = render_html(load_results(run_dir), load_samples(run_dir), plot=None)
    page = _parse(page_html)
    assert all(not url.startswith(("http://", "https://", "//")) for url in page.urls)
    assert "http://" not in page_html and "https://" not in page_html
    assert {"style", "table"} <= set(page.tags) and "link" not in page.tags


def test_sample_browser_highlights_gold_and_predictions(run_dir: Path) -> None:
    page = _parse(render_html(load_results(run_dir), load_samples(run_dir)))
    # base predicted "clown" [12, 17) inside gold "corrupt clown" [4, 17); adapted predicted all of it
    assert ("gold", "corrupt ") in page.marks
    assert ("both", "clown") in page.marks
    assert ("both", "corrupt clown") in page.marks
    assert ("pred", "Make America great again!") in page.marks
    text = "".join(page.text)
    assert "Article 111" in text and "error: no_json" in text and "liar" in text


def test_missing_article_text_is_said(run_dir: Path, fake: ModuleType, tmp_path: Path) -> None:
    document = fake.results_dict(data_dir=str(tmp_path / "nowhere"))
    (run_dir / "results.json").write_text(__import__("json").dumps(document), encoding="utf-8")
    text = "".join(_parse(render_html(load_results(run_dir), load_samples(run_dir))).text)
    assert "window text not available" in text


def test_highlight_escapes_and_titles() -> None:
    gold = (Span(10, 13, "Doubt"),)
    predicted = (Span(12, 15, "Slogans"),)
    marked = highlight("a<b&c>d", 10, gold, predicted)
    assert marked == (
        '<mark class="gold" title="gold: Doubt">a&lt;</mark>'
        '<mark class="both" title="gold: Doubt; predicted: Slogans">b</mark>'
        '<mark class="pred" title="predicted: Slogans">&amp;c</mark>&gt;d'
    )


def test_huge_completion_is_folded_behind_details(run_dir: Path) -> None:
    from dataclasses import replace

    from ptc_bench.reports.sample_browser import COMPLETION_PREVIEW_CHARS, completion_html

    huge = "{" + "x" * 300_000 + "<b>"
    folded = completion_html(huge)
    shown, hidden = folded.split("<details>")
    assert len(shown) < COMPLETION_PREVIEW_CHARS + 100 and shown.endswith("…</pre>")
    assert "show all 300,004 characters" in hidden and "&lt;b&gt;" in hidden
    assert completion_html("{}") == "<pre>{}</pre>"
    samples = load_samples(run_dir)
    page = _parse(render_html(load_results(run_dir), [replace(samples[0], completion=huge), *samples[1:]]))
    assert page.tags.count("details") >= 2 and "b" not in page.tags


def test_plot_never_overflows_its_column() -> None:
    from ptc_bench.reports.html_page import STYLE

    assert "img { max-width: 100%; height: auto; }" in STYLE


def test_unreadable_article_text_is_said_not_a_traceback(run_dir: Path, fake: ModuleType) -> None:
    from ptc_bench.reports.sample_browser import article_text_lookup

    data_dir = Path(load_results(run_dir).data.dir)
    (data_dir / "dev-articles" / f"article{fake.ARTICLE_ID}.txt").write_bytes(b"caf\xe9 au lait\n")
    assert article_text_lookup(data_dir)(fake.ARTICLE_ID) is None
    page_html = render_html(load_results(run_dir), load_samples(run_dir), plot=None)
    assert "window text not available" in page_html
