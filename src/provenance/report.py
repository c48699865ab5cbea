"""ArticleScore -> one self-contained HTML page: inline CSS, no scripts, no network requests.

Every fragment of article text is escaped, between and inside highlights, so an article that contains
``<script>`` shows it as text. Needs only the result: gaps between sentences are whitespace by
construction, so paragraphs are rebuilt from the sentence offsets.
"""

from __future__ import annotations

from html import escape
from typing import Final

from provenance.attribution import CHECKABLE
from provenance.labels import LABEL_INFO
from provenance.results import ArticleScore, SentenceScore

_COLOURS: Final = {info.id: info.colour for info in LABEL_INFO}
_TAGS: Final = {info.id: info.tag for info in LABEL_INFO}
#: The one class every rule is scoped under, so the report's styles cannot reach a notebook around it.
SCOPE: Final = "provenance-report"
_RULES: Final = (
    "{font:16px/1.7 Georgia,serif;max-width:46em;margin:2em auto;padding:0 1em;color:#111;background:#fff}",
    " header{font-family:system-ui,sans-serif;border-bottom:1px solid #ccc;margin-bottom:1.5em}",
    " h1{font-size:1.3em;margin:0 0 .3em}",
    " .risk{font-size:1.4em;font-weight:bold}",
    " .level-high{color:#a3001b}",
    " .level-medium{color:#8a4b00}",
    " .level-low{color:#1e6b40}",
    " .level-unsupported{color:#444}",
    " .legend{display:grid;grid-template-columns:max-content 1fr;gap:2px 10px;font:13px/1.4 system-ui,sans-serif}",
    " .legend dt{white-space:nowrap}",
    " .legend dd{margin:0;color:#333}",
    " .swatch{padding:1px 6px;border-radius:3px;color:#111}",
    " .count{color:#333}",
    " article p{margin:0 0 1em}",
    " mark{padding:0 2px;border-radius:2px;color:#111}",
    " .tag{font:bold 10px system-ui,sans-serif;letter-spacing:.03em;color:#111;vertical-align:super;margin-left:2px}",
    " .source{text-decoration:underline 2px;text-underline-offset:3px}",
    " .source.checkable{text-decoration-style:solid}",
    " .source.unchecked{text-decoration-style:wavy}",
    " .frame-cue{font-weight:bold}",
    " .kind{font:11px system-ui,sans-serif;color:#444;vertical-align:super;margin-left:1px}",
)
STYLE: Final = "".join(f".{SCOPE}{rule}" for rule in _RULES)


def render_html(result: ArticleScore, text: str | None = None, title: str = "provenance report") -> str:
    """A full HTML document for one scored article; pass its ``text`` to keep paragraph breaks."""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{escape(title)}</title></head><body style=\"margin:0\">"
        f"{render_fragment(result, text, title)}</body></html>\n"
    )


def render_fragment(result: ArticleScore, text: str | None = None, title: str = "provenance report") -> str:
    """The report as one component, the same in the page and in Jupyter's ``_repr_html_``: its own
    ``<style>``, every rule scoped under :data:`SCOPE`."""
    header = (
        f"<header><h1>{escape(title)}</h1>"
        f"{_rating(result)}"
        f"<p>{len(result.sentences)} sentences, {len(result.flagged)} flagged; model {escape(result.model_version)}</p>"
        f"{_legend(result)}</header>"
    )
    return (f"<div class=\"{SCOPE}\"><style>{STYLE}</style>{header}"
            f"<article><p>{_body(result, text)}</p></article></div>")


def _rating(result: ArticleScore) -> str:
    """The risk and its level, or why there is none (a language the model does not read)."""
    if not result.supported:
        return (f"<p class=\"risk level-unsupported\">not rated: language {escape(str(result.language))} "
                "is not supported (English only)</p>")
    return f"<p class=\"risk level-{result.level}\">risk {result.risk:.2f} &middot; {result.level}</p>"


def _legend(result: ArticleScore) -> str:
    """Each label once: its colour and tag, how many sentences carry it, and what it means."""
    rows = "".join(
        f"<dt><span class=\"swatch\" style=\"background:{info.colour}\">{info.tag}</span> {info.id} "
        f"<span class=\"count\">({result.counts.get(info.id, 0)})</span></dt><dd>{escape(info.definition)}</dd>"
        for info in LABEL_INFO
    )
    return f"<dl class=\"legend\">{rows}</dl>"


def _body(result: ArticleScore, text: str | None) -> str:
    """Sentences with highlighted cues; the whitespace between them becomes paragraphs and breaks."""
    parts: list[str] = []
    previous_end: int | None = None
    for sentence in result.sentences:
        if previous_end is not None:
            parts.append(_gap(text[previous_end : sentence.start] if text is not None else " "))
        parts.append(_sentence(sentence))
        previous_end = sentence.end
    return "".join(parts)


def _gap(whitespace: str) -> str:
    """A blank line starts a paragraph, a line break breaks the line, anything else is a space."""
    lines = whitespace.replace("\r\n", "\n").count("\n")
    return "</p><p>" if lines >= 2 else "<br>" if lines == 1 else " "


def _sentence(sentence: SentenceScore) -> str:
    """One sentence: hover text with every probability, label cues highlighted, attribution sources
    underlined (solid when checkable, wavy otherwise) with their kind, frame cues in bold. No badges
    between sentences: a cue's label tag follows it, and every probability is in the hover text."""
    tooltip = "; ".join(f"{label} {p:.2f}" for label, p in sentence.probabilities.items())
    flagged = " flagged" if sentence.flags else ""
    text = sentence.text
    base = sentence.start
    label_cues = []
    position = 0
    for cue in sorted(sentence.cues, key=lambda c: (c.start, -c.end)):
        if cue.start - base >= position:  # overlapping cue of another label: the first one is shown
            label_cues.append(cue)
            position = cue.end - base
    sources = [(a.source.start - base, a.source.end - base, a.kind) for a in sentence.attributions if a.source]
    frame_cues = [(a.cue.start - base, a.cue.end - base, a.kind) for a in sentence.attributions]
    bounds = sorted({0, len(text)} | {p for c in label_cues for p in (c.start - base, c.end - base)}
                    | {p for s in sources + frame_cues for p in s[:2]})
    pieces: list[str] = []
    ends_source = {end: kind for _, end, kind in sources}
    for start, end in zip(bounds, bounds[1:]):
        piece = escape(text[start:end])
        if any(s <= start and end <= e for s, e, _ in frame_cues):
            piece = f"<b class=\"frame-cue\">{piece}</b>"
        source = next((kind for s, e, kind in sources if s <= start and end <= e), None)
        if source is not None:
            checkable = "checkable" if source in CHECKABLE else "unchecked"
            piece = f"<span class=\"source {checkable}\" title=\"source: {source}\">{piece}</span>"
        marked = next((c for c in label_cues if c.start - base <= start and end <= c.end - base), None)
        if marked is not None:
            piece = (
                f"<mark class=\"cue\" data-label=\"{marked.label}\" style=\"background:{_COLOURS[marked.label]}\" "
                f"title=\"{marked.label} (weight {marked.weight:.2f})\">{piece}</mark>"
            )
            if end == marked.end - base:
                piece += f"<span class=\"tag\">{_TAGS[marked.label]}</span>"
        pieces.append(piece)
        if end in ends_source:
            pieces.append(f"<span class=\"kind\">{ends_source[end].replace('_', ' ')}</span>")
    body = "".join(pieces).replace("\n", "<br>")
    return (
        f"<span class=\"sentence{flagged}\" data-start=\"{sentence.start}\" data-end=\"{sentence.end}\" "
        f"title=\"{escape(tooltip)}\">{body}</span>"
    )


__all__ = ["SCOPE", "STYLE", "render_fragment", "render_html"]
