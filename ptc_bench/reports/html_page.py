"""One self-contained HTML page: inline CSS, no scripts, no external URLs, so it renders offline."""

from __future__ import annotations

import html
from collections.abc import Sequence

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; color: #222; }
h1 { font-size: 1.6rem; } h2 { border-bottom: 1px solid #ccc; margin-top: 2rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #ddd; padding: 0.25rem 0.6rem; }
th { background: #f3f3f3; } td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
caption { caption-side: top; text-align: left; font-weight: bold; padding-bottom: 0.3rem; }
.muted { color: #777; } .ok { color: #1a7f37; } .bad { color: #b42318; }
.pair { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 1rem; }
.panel { border: 1px solid #ddd; border-radius: 4px; padding: 0.5rem 0.8rem; background: #fcfcfc; }
.window { white-space: pre-wrap; line-height: 1.5; font-family: Georgia, serif; }
pre { white-space: pre-wrap; word-break: break-word; background: #f5f5f5; padding: 0.5rem; }
mark.gold { background: #ffe08a; } mark.pred { background: #b7d7ff; }
mark.both { background: #a8e6a3; outline: 1px solid #2e7d32; }
details { margin: 0.5rem 0; } summary { cursor: pointer; font-weight: 600; }
ul.notes li { margin: 0.2rem 0; }
img { max-width: 100%; height: auto; }
"""


def page(title: str, sections: Sequence[tuple[str, str]], intro: str = "") -> str:
    """A full HTML document; `sections` are (heading text, already-escaped body HTML)."""
    body = "".join(
        f"<section><h2>{html.escape(heading)}</h2>\n{content}\n</section>\n" for heading, content in sections
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body>\n<h1>{html.escape(title)}</h1>\n{intro}\n{body}</body>\n</html>\n"
    )


def bullet_list(items: Sequence[str]) -> str:
    """An escaped <ul> of plain-text items."""
    return '<ul class="notes">' + "".join(f"<li>{html.escape(item)}</li>" for item in items) + "</ul>"
