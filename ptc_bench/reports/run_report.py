"""`bench report` for one run folder: Markdown, HTML, CSV, PNG and a JSON summary from the same tables."""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ptc_bench.core.hashing import short_hash
from ptc_bench.core.records import RunResults, SampleRecord
from ptc_bench.core.safe_write import atomic_write_text, output_folder
from ptc_bench.reports import plots
from ptc_bench.reports.html_page import bullet_list, page
from ptc_bench.reports.render import markdown_text, to_html_table, to_markdown, write_csv
from ptc_bench.reports.results import SAMPLES_FILE, load_results, load_samples
from ptc_bench.reports.sample_browser import article_text_lookup, sample_browser
from ptc_bench.reports.tables import counts_table, errors_table, per_technique_table, run_table, system_order

FORMATS: tuple[str, ...] = ("md", "html", "csv", "png", "json")
HEADLINE_ORACLE_METRIC = "flc_f1"


def run_info_table(results: RunResults) -> pd.DataFrame:
    """Key facts of a run (what was evaluated, on which data), one row per field."""
    adapter = results.adapter
    fields = {
        "run": results.run_id,
        "kind": results.kind,
        "created": results.created,
        "task": results.task,
        "split": results.split,
        "prompt variant": results.prompt_variant,
        "model": results.model.label + (f"@{results.model.revision}" if results.model.revision else ""),
        "quantization": results.model.quantization,
        "adapter": None if adapter is None else f"{adapter.task} {short_hash(adapter.hash)}",
        "data": f"{short_hash(results.data.hash)}" + (" (sample corpus)" if results.data.is_sample else ""),
        "articles / windows": f"{results.data.n_articles} / {results.data.n_windows}",
        "manifest": short_hash(results.manifest_hash),
    }
    return pd.DataFrame(
        {"value": list(fields.values())}, index=pd.Index(list(fields), name="field"), dtype=object
    )


def _by_system(results: RunResults, metric: str) -> str:
    parts = []
    for system in system_order(results):
        score = results.systems[system].metrics.get(metric)
        parts.append(f"{system} {'–' if score is None else f'{score.value:.3f}'}")
    return ", ".join(parts)


def key_facts(results: RunResults) -> list[str]:
    """Headline lines: JSON validity, hallucination rate, oracle ceiling, whether the adapter mattered."""
    oracle = None if results.oracle is None else results.oracle.get(HEADLINE_ORACLE_METRIC)
    changes = {True: "yes", False: "no (adapted completions equal the base ones)", None: "not checked"}
    comparison = next(iter(results.comparisons), None)
    facts = [
        f"JSON validity: {_by_system(results, 'json_validity')}",
        f"Hallucination rate (phrases not found in the text): {_by_system(results, 'hallucination_rate')}",
        "Oracle ceiling (gold -> phrases -> parse -> align, "
        f"{HEADLINE_ORACLE_METRIC}): {'not computed' if oracle is None else f'{oracle:.3f}'}",
        f"Adapter changes outputs: {changes[results.adapter_changes_outputs]}",
    ]
    facts += [f"Warning: {warning}" for warning in results.warnings]
    if comparison is not None:
        facts.append(
            f"Differences are adapted - base; CIs and p-values from a {comparison.method.replace('_', ' ')} "
            f"over articles ({comparison.iterations} iterations)"
        )
    return facts


def report_tables(results: RunResults) -> dict[str, tuple[str, pd.DataFrame]]:
    """Every table of the report: file stem -> (heading, DataFrame); all formats render these."""
    tables = {
        "run": ("Run", run_info_table(results)),
        "scores": ("Scores" + (": base vs adapted" if len(results.systems) > 1 else ""), run_table(results)),
        "parse-errors": ("JSON parse outcomes", errors_table(results)),
        "counts": ("Counts", counts_table(results)),
    }
    techniques = per_technique_table(results)
    if len(techniques.index):
        tables["per-technique"] = ("Per technique (FLC)", techniques)
    return tables


def render_markdown(results: RunResults, images: Sequence[str] = ()) -> str:
    """The Markdown report; `images` are PNG file names to link (relative to the report)."""
    tables = report_tables(results)
    lines = [f"# Run report: {markdown_text(results.run_id)}", "", to_markdown(tables["run"][1])]
    lines += ["## Headline", "", *(f"- {fact}" for fact in key_facts(results)), ""]
    for stem, (heading, table) in tables.items():
        if stem != "run":
            lines += [f"## {heading}", "", to_markdown(table)]
    if images:
        lines += ["## Plots", "", *(f"![{Path(i).stem}]({i})" for i in images), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _png_data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def render_html(
    results: RunResults, samples: Sequence[SampleRecord], n_articles: int = 3, plot: Path | None = None
) -> str:
    """The self-contained HTML report with the sample browser; `plot` is embedded as a data URI."""
    tables = report_tables(results)
    sections = [("Headline", bullet_list(key_facts(results)))]
    sections += [
        (heading, to_html_table(table)) for stem, (heading, table) in tables.items() if stem != "run"
    ]
    if plot is not None:
        sections.append(("Plot", f'<img alt="scores with CI whiskers" src="{_png_data_uri(plot)}">'))
    lookup = article_text_lookup(results.data.dir)
    sections.append(("Sample browser", sample_browser(samples, lookup, n_articles)))
    intro = to_html_table(tables["run"][1])
    return page(f"Run report: {results.run_id}", sections, intro=intro)


def _json_value(value: object) -> object:
    if isinstance(value, tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return value.item()  # numpy scalar
    return value


def table_records(table: pd.DataFrame) -> list[dict[str, object]]:
    """A table as JSON-ready rows (index first, intervals as [lo, hi], missing as null)."""
    flat = table.reset_index() if table.index.name is not None else table
    return [{str(k): _json_value(v) for k, v in row.items()} for row in flat.to_dict(orient="records")]


def summary(results: RunResults) -> dict[str, object]:
    """The machine-readable summary: the same tables as the other formats, with full precision."""
    return {
        "run_id": results.run_id,
        "task": results.task,
        "split": results.split,
        "facts": key_facts(results),
        "oracle": dict(results.oracle) if results.oracle is not None else None,
        "adapter_changes_outputs": results.adapter_changes_outputs,
        "warnings": list(results.warnings),
        "tables": {stem: table_records(table) for stem, (_, table) in report_tables(results).items()},
    }


def write_run_report(
    run_dir: Path, formats: Sequence[str] = FORMATS, out_dir: Path | None = None, n_articles: int = 3
) -> list[Path]:
    """Write the requested formats for the run in `run_dir` (default out: RUN_DIR/report); returns files."""
    results = load_results(run_dir)
    samples_path = Path(run_dir) / SAMPLES_FILE
    # read (and so validate) every input before the first file is written: never a partial report
    samples = load_samples(samples_path) if "html" in formats and samples_path.is_file() else []
    if out_dir is None:  # RUN_DIR/report must not lead out of the run folder through a link
        out = output_folder(Path(run_dir) / "report", within=Path(run_dir))
    else:
        out = output_folder(out_dir)
    written: list[Path] = []
    images: list[Path] = []
    if "png" in formats or "html" in formats:
        images.append(plots.metric_bars(results, out / "metrics.png"))
        techniques = per_technique_table(results)
        if "png" in formats and len(techniques.index) > 1:
            images.append(plots.per_technique_bars(techniques, out / "per-technique.png"))
    if "png" in formats:
        written += images
    if "csv" in formats:
        written += [
            write_csv(table, out / f"{stem}.csv") for stem, (_, table) in report_tables(results).items()
        ]
    if "json" in formats:
        target = out / "summary.json"
        atomic_write_text(target, json.dumps(summary(results), indent=2) + "\n")
        written.append(target)
    if "md" in formats:
        target = out / "report.md"
        linked = [i.name for i in images] if "png" in formats else []
        atomic_write_text(target, render_markdown(results, linked))
        written.append(target)
    if "html" in formats:
        target = out / "report.html"
        atomic_write_text(target, render_html(results, samples, n_articles, images[0]))
        written.append(target)
        if "png" not in formats:
            images[0].unlink()
    return written
