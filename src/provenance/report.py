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
_STYLE: Final = """
body{font:16px/1.6 Georgia,serif;max-width:46em;margin:2em auto;padding:0 1em;color:#222}
header{font-family:system-ui,sans-serif;border-bottom:1px solid #ccc;margin-bottom:1.5em}
.risk{font-size:1.4em;font-weight:bold}.level-high{color:#b00020}.level-medium{color:#b36b00}
.level-low{color:#2a7d4f}.legend span,.badge{display:inline-block;font:12px system-ui,sans-serif;
padding:1px 6px;margin:2px;border-radius:3px;color:#111}
.sentence.flagged{border-bottom:2px dotted #999}.sentence:hover{background:#f3f3f3}
mark{padding:0 2px;border-radius:2px;color:#111}.badges{white-space:nowrap}
.source{text-decoration:underline 2px;text-underline-offset:3px}.source.checkable{text-decoration-style:solid}
.source.unchecked{text-decoration-style:wavy}.frame-cue{font-weight:bold}
.kind{font:11px system-ui,sans-serif;color:#555;vertical-align:super;margin-left:1px}
table{font:13px system-ui,sans-serif;border-collapse:collapse}td,th{padding:2px 8px}
"""


def render_html(result: ArticleScore, text: str | None = None, title: str = "provenance report") -> str:
    """A full HTML document for one scored article; pass its ``text`` to keep paragraph breaks."""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"{render_fragment(result, text, title)}</body></html>\n"
    )


def render_fragment(result: ArticleScore, text: str | None = None, title: str = "provenance report") -> str:
    """The report without the document shell (for Jupyter's ``_repr_html_``)."""
    counts = "".join(
        f"<tr><td><span class=\"badge\" style=\"background:{_COLOURS[label]}\">{label}</span></td>"
        f"<td>{n}</td></tr>"
        for label, n in result.counts.items()
    )
    legend = "".join(
        f"<span style=\"background:{info.colour}\" title=\"{escape(info.definition)}\">{info.id}</span>"
        for info in LABEL_INFO
    )
    header = (
        f"<header><h1>{escape(title)}</h1>"
        f"<p class=\"risk level-{result.level}\">risk {result.risk:.2f} &middot; {result.level}</p>"
        f"<p>{len(result.sentences)} sentences, {len(result.flagged)} flagged; model {escape(result.model_version)}</p>"
        f"<table><tr><th>label</th><th>sentences</th></tr>{counts}</table>"
        f"<p class=\"legend\">{legend}</p></header>"
    )
    return header + "<article><p>" + _body(result, text) + "</p></article>"


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
    underlined (solid when checkable, wavy otherwise) with their kind, frame cues in bold, and label
    badges beside it."""
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
        pieces.append(piece)
        if end in ends_source:
            pieces.append(f"<span class=\"kind\">{ends_source[end].replace('_', ' ')}</span>")
    badges = "".join(
        f"<span class=\"badge\" style=\"background:{_COLOURS[label]}\">{label} {sentence.probabilities[label]:.2f}</span>"
        for label in sentence.labels
    )
    body = "".join(pieces).replace("\n", "<br>")
    badge_html = f" <span class=\"badges\">{badges}</span>" if badges else ""
    return (
        f"<span class=\"sentence{flagged}\" data-start=\"{sentence.start}\" data-end=\"{sentence.end}\" "
        f"title=\"{escape(tooltip)}\">{body}</span>{badge_html}"
    )


__all__ = ["render_fragment", "render_html"]
