"""The one Jinja2 environment of each kind, and how every book becomes Markdown and HTML.

Books (`render_book`): a Markdown template (templates/*.md.j2) writes the Markdown; the HTML is that Markdown
converted with Python-Markdown (tables, sane lists) and wrapped in templates/base.html.j2, so both formats carry the
same content. HTML templates (the base wrapper, feedback letters and overviews) use `html_environment`.

Escaping: every `{{ ... }}` value of a Markdown template passes through `escape_markdown` (Jinja `finalize`), so
program names with pipes, asterisks, newlines or HTML cannot break a table or inject markup. Text that is already
Markdown (the output of a template macro) is marked with the `markdown` filter. Raw HTML is switched off in the
Markdown converter, so whatever reaches it as text is escaped in the HTML. HTML templates are autoescaped.

Both environments are built once per process and carry the Indonesian filters of `bimtek.core.formatting`.
Nothing here reads the clock or a run id: the same inputs render byte-identical files.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

import markdown as md
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from bimtek.core.formatting import FILTERS
from bimtek.core.legal import LEGAL_FILTERS
from bimtek.core.paths import TEMPLATES_DIR
from bimtek.core.sanitise import clean_text
from bimtek.core.values import is_missing

BASE_HTML_TEMPLATE = "base.html.j2"
MISSING_TEXT = "-"
LAYOUTS = {
    "rancangan-perbup.md.j2": "legal",
    "lembar-komitmen.md.j2": "sheet",
    "paket-rakor.md.j2": "deck",
    "buku-3-quick-wins.md.j2": "compact",
    "laporan-monev.md.j2": "compact",
}
"""Templates printed in a layout other than a book (templates/base.html.j2): "legal" (a regulation in
legal-drafting form: centred headings, borderless layout tables, a horizontal rule is a page break) and "sheet" (a
one-page form). Both print without cover and contents (bimtek.stages.deliverables). "deck": a 16:9 slide per
chapter (the rakor pack); "compact": a short book whose chapters do not start a new page (Buku 3, the monev
report: no near-blank page after a one-row table or a chart)."""
_EMPTY_HEADER = re.compile(r"<table>\s*<thead>\s*<tr>(?:\s*<th(?: [^>]*)?>\s*</th>)+\s*</tr>\s*</thead>\s*")


# ----------------------------------------------------------------------------------------------- escaping


class MarkdownText(str):
    """A string that is already Markdown: the template emits it as is."""


_ENTITY_AMPERSAND = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_INLINE_SPECIALS = {ch: "\\" + ch for ch in "\\`*_[]|"}
_INLINE_ESCAPES = str.maketrans(_INLINE_SPECIALS)
_LEADING_ORDERED = re.compile(r"^(\d+)([.)])")


_SPACES = re.compile(r"[^\S\u00a0]+")
"""A run of white space other than the no-break space."""


def escape_markdown(value: object) -> str:
    """Plain text -> Markdown that shows exactly that text, safe inside a table cell or a sentence.

    White space runs (newlines included) become one space, a no-break space stays (it holds an amount such as
    "Rp 1,43 miliar" on one line); Markdown punctuation (\\ ` * _ [ ] |) is backslash-
    escaped; `<` becomes `&lt;` and an `&` that would start an entity becomes `&amp;`; a leading list or heading
    marker ("1.", "- ", "+ ", "#", ">") is escaped too.
    """
    text = _SPACES.sub(" ", str(value)).strip(" ")
    text = _ENTITY_AMPERSAND.sub("&amp;", text)
    text = text.translate(_INLINE_ESCAPES).replace("<", "&lt;")
    if text[:1] in ("#", ">") or text[:2] in ("- ", "+ "):
        text = "\\" + text
    return _LEADING_ORDERED.sub(r"\1\\\2", text)


def _finalize(value: object) -> str:
    """Jinja finalize of the Markdown template: escape everything except MarkdownText; missing -> "-"."""
    if isinstance(value, MarkdownText):
        return value
    if is_missing(value):
        return MarkdownText(MISSING_TEXT)
    return escape_markdown(value)


def _environment(**options: object) -> Environment:
    """A Jinja environment over templates/ with the settings every template shares: strict undefined, block
    trimming, the trailing newline kept, and the Indonesian formatting filters."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        **options,  # type: ignore[arg-type]
    )
    env.filters.update(FILTERS)
    env.filters.update(LEGAL_FILTERS)
    return env


@lru_cache(maxsize=1)
def markdown_environment() -> Environment:
    """Jinja environment of the Markdown templates: every value escaped for Markdown unless it is MarkdownText."""
    env = _environment(finalize=_finalize, autoescape=False)
    env.filters["markdown"] = MarkdownText
    return env


def _finalize_text(value: object) -> str:
    """Jinja finalize of the plain-text templates (e-mail bodies): control characters removed, missing -> "-"."""
    if is_missing(value):
        return MISSING_TEXT
    return clean_text(str(value))


@lru_cache(maxsize=1)
def text_environment() -> Environment:
    """Jinja environment of the plain-text templates (templates/email/*.txt.j2): no markup, so nothing to escape;
    control characters never reach a message."""
    return _environment(finalize=_finalize_text, autoescape=False)


@lru_cache(maxsize=1)
def html_environment() -> Environment:
    """Jinja environment of the HTML templates (the book wrapper, feedback letters and overview), autoescaped."""
    return _environment(autoescape=True)


_INLINE_PATTERN_TRIGGERS = {
    "backtick": "`\\",
    "escape": "\\",
    "reference": "[",
    "link": "[",
    "image_link": "[",
    "image_reference": "[",
    "short_reference": "[",
    "short_image_ref": "[",
    "autolink": "<",
    "automail": "<",
    "linebreak": "\n",
    "entity": "&",
    "em_strong": "*_",
}
"""Inline pattern of Python-Markdown -> characters one of its matches always contains."""
_INLINE_TRIGGER = re.compile("[" + re.escape("".join(sorted(set("".join(_INLINE_PATTERN_TRIGGERS.values()))))) + "]")


def markdown_to_html(text: str) -> str:
    """Markdown -> HTML fragment (tables, sane lists); raw HTML in the Markdown is escaped, never passed through.

    A table whose header row is empty (`| | |` then `|---|---|`) is a layout table (a konsiderans, a signature
    block): it loses the empty header row and gets classes "layout layout-<columns>" (printed without borders).

    Speed (big books hold tens of thousands of table cells): a text node with none of the characters any inline
    pattern needs (`_INLINE_PATTERN_TRIGGERS`) skips the inline patterns; the output is the same, since none of
    them could match. The skip is only installed when the registered inline patterns are exactly the known ones.
    """
    converter = md.Markdown(extensions=["tables", "sane_lists"], output_format="html")
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    if set(converter.inlinePatterns._data) == set(_INLINE_PATTERN_TRIGGERS):
        _skip_plain_text_nodes(converter.treeprocessors["inline"])
    return _EMPTY_HEADER.sub(_layout_table, converter.convert(text))


def _skip_plain_text_nodes(inline_processor) -> None:
    """Make Python-Markdown's InlineProcessor return text without trigger characters as is."""
    handle = inline_processor._InlineProcessor__handleInline

    def handle_unless_plain(data: str, pattern_index: int = 0) -> str:
        if _INLINE_TRIGGER.search(data) is None:
            return data
        return handle(data, pattern_index)

    inline_processor._InlineProcessor__handleInline = handle_unless_plain


def _layout_table(match: re.Match) -> str:
    """Start tag of a layout table: class "layout" and "layout-<columns>" (a 2-column signature block is kept on
    one page)."""
    return f'<table class="layout layout-{len(re.findall(r"<th[ >]", match.group(0)))}">\n'


# ----------------------------------------------------------------------------------------------- render


def render_book(template: str, context: Mapping, title: str) -> tuple[str, str]:
    """(Markdown, HTML) of any book template; `context` needs `synthetic` and `synthetic_notice`.

    Both end with one newline; the HTML is the Markdown converted and wrapped in templates/base.html.j2. A
    `stage_label` in the context ("Tahap II (revisi)") is written into the HTML (meta bimtek-stage), so the PDF of a
    book copied into a later stage keeps the one stage label the book itself states. A non-empty `draft` (what a
    legal document still misses) prints the DRAFT watermark on every page.
    """
    markdown_text = markdown_environment().get_template(template).render(**context)
    markdown_text = markdown_text.rstrip("\n") + "\n"
    body = markdown_to_html(markdown_text)
    html = (
        html_environment()
        .get_template(BASE_HTML_TEMPLATE)
        .render(
            title=title,
            body=Markup(body),
            synthetic=context["synthetic"],
            synthetic_notice=context["synthetic_notice"],
            stage_label=context.get("stage_label"),
            layout=LAYOUTS.get(template, "book"),
            draft=bool(context.get("draft")),
        )
    )
    return markdown_text, html.rstrip("\n") + "\n"
