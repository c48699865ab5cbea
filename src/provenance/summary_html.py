"""A :class:`~provenance.summary.Summary` as one self-contained HTML page with inline SVG plots.

No scripts, no network requests, no plotting library: the two plots (label mix per group, article
risk histogram) are drawn here as SVG, each with a ``<title>`` and ``<desc>`` and every value also
written as text, so they read without colour and in a screen reader. Colours are the report's label
palette (:data:`provenance.labels.LABEL_INFO`), with near-black text on every fill (WCAG AA). Every
style rule is scoped under :data:`SCOPE`, and every name and cue is escaped.
"""

from __future__ import annotations

from html import escape
from typing import Final

from provenance.labels import LABEL_INFO, LABELS
from provenance.risk import HIGH_FROM, MEDIUM_FROM
from provenance.summary import HISTOGRAM_BINS, LEVEL_HEADINGS, LEVELS, GroupSummary, Summary

#: The one class every rule is scoped under, so the page's styles cannot reach a page around it.
SCOPE: Final = "provenance-summary"
_COLOURS: Final = {info.id: info.colour for info in LABEL_INFO}
_TAGS: Final = {info.id: info.tag for info in LABEL_INFO}
#: Sentences with no label: a light grey that keeps the near-black text over 4.5:1.
_NONE_COLOUR: Final = "#d9d9d9"
_NONE_TAG: Final = "none"
_BAR_COLOUR: Final = "#5b6f8f"
#: Background tints of the three risk bands in the histogram (text on them is near-black).
_BANDS: Final = {"low": "#eef6f1", "medium": "#fdf3e4", "high": "#fbe9ec"}
_TEXT: Final = "#111"
_RULES: Final = (
    "{font:15px/1.5 system-ui,sans-serif;color:#111;background:#fff;max-width:72em;margin:1.5em auto;padding:0 1em}",
    " h1{font-size:1.4em;margin:0 0 .2em}",
    " h2{font-size:1.15em;margin:1.6em 0 .4em;border-bottom:1px solid #ccc}",
    " p{margin:.3em 0}",
    " .note{color:#444;font-size:.9em}",
    " table{border-collapse:collapse;font-variant-numeric:tabular-nums;font-size:.92em}",
    " .wide{overflow-x:auto}",
    " th{text-align:left;padding:3px 6px;border-bottom:2px solid #999;vertical-align:bottom;white-space:nowrap}",
    " th.group{vertical-align:top;border-bottom:1px solid #e3e3e3}",
    " tr.first td{border-top:2px solid #999}",
    " tr.first th{border-top:2px solid #999}",
    " td{padding:3px 6px;border-bottom:1px solid #e3e3e3;vertical-align:top}",
    " td.num{text-align:right}",
    " th.num{text-align:right}",
    " th.row{border-bottom:1px solid #e3e3e3}",
    " tr.total td{font-weight:bold;border-top:2px solid #999}",
    " tr.total th{border-top:2px solid #999}",
    " .swatch{display:inline-block;padding:0 5px;border-radius:3px;color:#111;font-size:.85em;font-weight:bold}",
    " .legend{list-style:none;padding:0;margin:.4em 0;display:flex;flex-wrap:wrap;gap:4px 14px;font-size:.9em}",
    " .cues{max-width:40em}",
    " svg{display:block;max-width:100%;height:auto}",
    " svg text{font-family:system-ui,sans-serif;fill:#111}",
)
STYLE: Final = "".join(f".{SCOPE}{rule}" for rule in _RULES)


def render_summary_html(summary: Summary, by: str = "dir", title: str = "provenance corpus summary") -> str:
    """The whole page: totals, the group table, the two plots and the top-cues table."""
    total = summary.total
    groups = len(summary.groups)
    flagged = f"{total.flagged_share:.1%}" if total.flagged_share is not None else "no"
    mean = f"{total.mean_risk:.2f}" if total.mean_risk is not None else "-"
    body = (
        f"<header><h1>{escape(title)}</h1>"
        f"<p>{total.articles} articles, {total.sentences} sentences in {groups} group{'s' * (groups != 1)} "
        f"(grouped by {escape(by)}); {flagged} of sentences flagged; mean article risk {mean}.</p></header>"
        f"<h2>Groups</h2>{_group_table(summary)}"
        f"<p class=\"note\">flagged: share of sentences with any label but on_record. Label columns count sentences "
        "(a sentence can carry several labels); low, medium and high count articles by risk level, "
        "unrated those in a language the model does not read (left out of the risk figures).</p>"
        f"<h2>Label mix per group</h2>{_legend()}<p class=\"note\">Each bar splits a group's sentences by label: "
        "a sentence counts once for every label it carries, or once as none; n is the total.</p>"
        f"{_label_mix(summary)}"
        f"<h2>Article risk</h2>{_risk_histogram(total)}"
        f"<h2>Most frequent cues</h2>{_cue_table(summary)}"
    )
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{escape(title)}</title></head><body style=\"margin:0\">"
        f"<div class=\"{SCOPE}\"><style>{STYLE}</style>{body}</div></body></html>\n"
    )


def _group_table(summary: Summary) -> str:
    """Every group's numbers, and the (all) row last, in bold."""
    heads = "".join(f"<th scope=\"col\" class=\"num\"><abbr title=\"{label}\">{_TAGS[label]}</abbr></th>" for label in LABELS)
    head = (f"<tr><th scope=\"col\">group</th><th scope=\"col\" class=\"num\">articles</th>"
            f"<th scope=\"col\" class=\"num\">sentences</th><th scope=\"col\" class=\"num\">flagged</th>{heads}"
            "<th scope=\"col\" class=\"num\">mean risk</th><th scope=\"col\" class=\"num\">median</th>"
            + "".join(f"<th scope=\"col\" class=\"num\">{LEVEL_HEADINGS[level]}</th>" for level in LEVELS) + "</tr>")
    rows = "".join(_group_row(group, "") for group in summary.groups) + _group_row(summary.total, " class=\"total\"")
    return f"<div class=\"wide\"><table>{head}{rows}</table></div>"


def _group_row(group: GroupSummary, attributes: str) -> str:
    cells = [
        str(group.articles), str(group.sentences),
        f"{group.flagged_share:.1%}" if group.flagged_share is not None else "-",
        *(str(group.label_sentences[label]) for label in LABELS),
        f"{group.mean_risk:.2f}" if group.mean_risk is not None else "-",
        f"{group.median_risk:.2f}" if group.median_risk is not None else "-",
        *(str(group.levels[level]) for level in LEVELS),
    ]
    numbers = "".join(f"<td class=\"num\">{cell}</td>" for cell in cells)
    return f"<tr{attributes}><th scope=\"row\" class=\"row\">{escape(group.name)}</th>{numbers}</tr>"


def _legend() -> str:
    """Each segment's colour, tag and label, once, above the plot."""
    items = [(info.colour, info.tag, info.id) for info in LABEL_INFO] + [(_NONE_COLOUR, _NONE_TAG, "no label")]
    entries = "".join(f"<li><span class=\"swatch\" style=\"background:{colour}\">{tag}</span> {name}</li>"
                      for colour, tag, name in items)
    return f"<ul class=\"legend\">{entries}</ul>"


def _segments(group: GroupSummary) -> list[tuple[str, str, str, int]]:
    """(colour, tag, name, count) of a group's bar: each label once per sentence carrying it, then the
    sentences carrying none, so the shares add up to 100%."""
    parts = [(_COLOURS[label], _TAGS[label], label, group.label_sentences[label]) for label in LABELS]
    return [*parts, (_NONE_COLOUR, _NONE_TAG, "no label", group.unlabelled_sentences)]


def _label_mix(summary: Summary) -> str:
    """Stacked horizontal bars, one per group and (all): the share of each label, values under each bar."""
    rows = [*summary.groups, summary.total]
    left, bar_width, row_height, bar_height = 180, 600, 56, 22
    width = left + bar_width + 160
    height = 10 + row_height * len(rows)
    parts: list[str] = []
    for index, group in enumerate(rows):
        y = 10 + index * row_height
        segments = _segments(group)
        whole = sum(count for *_, count in segments)
        label = _short(group.name)
        weight = " font-weight=\"bold\"" if group is summary.total else ""
        parts.append(f"<g><title>{escape(group.name)}</title><text x=\"{left - 10}\" y=\"{y + 16}\" "
                     f"text-anchor=\"end\" font-size=\"13\"{weight}>{escape(label)}</text></g>")
        if not whole:
            parts.append(f"<rect x=\"{left}\" y=\"{y}\" width=\"{bar_width}\" height=\"{bar_height}\" fill=\"none\" "
                         f"stroke=\"#999\"/><text x=\"{left + 8}\" y=\"{y + 16}\" font-size=\"12\">no sentences</text>")
            continue
        x = float(left)
        values = []
        for colour, tag, name, count in segments:
            if not count:
                continue
            share = count / whole
            span = share * bar_width
            parts.append(f"<rect x=\"{x:.1f}\" y=\"{y}\" width=\"{span:.1f}\" height=\"{bar_height}\" fill=\"{colour}\" "
                         f"stroke=\"#fff\" stroke-width=\"1\"><title>{escape(group.name)}: {name}, {count} "
                         f"({share:.1%})</title></rect>")
            if span >= 7 * len(tag) + 8:
                parts.append(f"<text x=\"{x + span / 2:.1f}\" y=\"{y + 15}\" text-anchor=\"middle\" font-size=\"11\" "
                             f"font-weight=\"bold\" aria-hidden=\"true\">{tag}</text>")
            values.append(f"{tag} {share:.0%}")
            x += span
        parts.append(f"<text x=\"{left}\" y=\"{y + bar_height + 16}\" font-size=\"12\">"
                     f"{escape(' · '.join(values))} (n = {whole})</text>")
    shown = ", ".join(f"{group.name}: " + ", ".join(f"{name} {count}" for _, _, name, count in _segments(group) if count)
                      for group in rows)
    return _svg("mix", width, height, "Label mix per group",
                "Stacked bars, one per group and for all groups: each label's share of the group's sentence labels, "
                f"with sentences carrying no label as 'no label'. {shown}.", "".join(parts))


def _short(name: str, room: int = 22) -> str:
    """A name that fits left of the bars: a path keeps its end (the folder or file), anything else its
    start; the full name is in the row's title."""
    if len(name) <= room:
        return name
    return "\u2026" + name[-(room - 1):] if "/" in name or "\\" in name else name[:room - 1] + "\u2026"


def _risk_histogram(total: GroupSummary) -> str:
    """Articles per risk bin over [0, 1], the bands shaded and the medium and high cut points marked."""
    left, top, plot_width, plot_height = 50, 34, 720, 200
    width, height = left + plot_width + 30, top + plot_height + 50
    counts = total.risk_histogram
    peak = max(counts, default=0) or 1
    bin_width = plot_width / HISTOGRAM_BINS

    def at(risk: float) -> float:
        return left + risk * plot_width

    bottom = top + plot_height
    parts: list[str] = []
    for start, end, level in zip((0.0, MEDIUM_FROM, HIGH_FROM), (MEDIUM_FROM, HIGH_FROM, 1.0), LEVELS):
        parts.append(f"<rect x=\"{at(start):.1f}\" y=\"{top}\" width=\"{at(end) - at(start):.1f}\" "
                     f"height=\"{plot_height}\" fill=\"{_BANDS[level]}\"/>")
        parts.append(f"<text x=\"{(at(start) + at(end)) / 2:.1f}\" y=\"{top - 8}\" text-anchor=\"middle\" "
                     f"font-size=\"12\">{level} ({total.levels[level]})</text>")
    for index, count in enumerate(counts):
        if not count:
            continue
        bar = count / peak * (plot_height - 18)
        x = left + index * bin_width
        low, high = index / HISTOGRAM_BINS, (index + 1) / HISTOGRAM_BINS
        parts.append(f"<rect x=\"{x + 2:.1f}\" y=\"{bottom - bar:.1f}\" width=\"{bin_width - 4:.1f}\" "
                     f"height=\"{bar:.1f}\" fill=\"{_BAR_COLOUR}\"><title>risk {low:.2f} to {high:.2f}: "
                     f"{count} articles</title></rect>")
        parts.append(f"<text x=\"{x + bin_width / 2:.1f}\" y=\"{bottom - bar - 4:.1f}\" text-anchor=\"middle\" "
                     f"font-size=\"11\">{count}</text>")
    for cut, name in ((MEDIUM_FROM, "medium"), (HIGH_FROM, "high")):
        parts.append(f"<line x1=\"{at(cut):.1f}\" y1=\"{top}\" x2=\"{at(cut):.1f}\" y2=\"{bottom}\" stroke=\"{_TEXT}\" "
                     f"stroke-width=\"1.5\" stroke-dasharray=\"5 3\"><title>{name} from {cut:.2f}</title></line>")
    parts.append(f"<line x1=\"{left}\" y1=\"{bottom}\" x2=\"{left + plot_width}\" y2=\"{bottom}\" stroke=\"{_TEXT}\"/>")
    for tick in range(11):
        x = at(tick / 10)
        parts.append(f"<line x1=\"{x:.1f}\" y1=\"{bottom}\" x2=\"{x:.1f}\" y2=\"{bottom + 4}\" stroke=\"{_TEXT}\"/>"
                     f"<text x=\"{x:.1f}\" y=\"{bottom + 17}\" text-anchor=\"middle\" font-size=\"11\">{tick / 10:.1f}</text>")
    parts.append(f"<text x=\"{left + plot_width / 2:.1f}\" y=\"{bottom + 38}\" text-anchor=\"middle\" font-size=\"12\">"
                 f"article risk (dashed: medium from {MEDIUM_FROM:.2f}, high from {HIGH_FROM:.2f})</text>")
    parts.append(f"<text x=\"14\" y=\"{top + plot_height / 2:.1f}\" text-anchor=\"middle\" font-size=\"12\" "
                 f"transform=\"rotate(-90 14 {top + plot_height / 2:.1f})\">articles</text>")
    filled = "; ".join(f"{i / HISTOGRAM_BINS:.2f}-{(i + 1) / HISTOGRAM_BINS:.2f}: {n}" for i, n in enumerate(counts) if n)
    return _svg("risk", width, height, "Article risk distribution",
                f"Histogram of the risk of {total.articles} articles in {HISTOGRAM_BINS} bins; medium from "
                f"{MEDIUM_FROM:.2f}, high from {HIGH_FROM:.2f}; " + ", ".join(f"{level} {total.levels[level]}" for level in LEVELS)
                + f". Articles per bin: {filled or 'none'}.", "".join(parts))


def _svg(name: str, width: int, height: int, title: str, description: str, content: str) -> str:
    """An accessible inline SVG: role img, named by its title and described by its desc."""
    ident = f"{SCOPE}-{name}"
    return (f"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" "
            f"height=\"{height}\" role=\"img\" aria-labelledby=\"{ident}-title {ident}-desc\">"
            f"<title id=\"{ident}-title\">{escape(title)}</title><desc id=\"{ident}-desc\">{escape(description)}</desc>"
            f"<rect width=\"{width}\" height=\"{height}\" fill=\"#fff\"/>{content}</svg>")


def _cue_table(summary: Summary) -> str:
    """Per group (then all), per label with any cue: its most frequent cues and their counts."""
    rows: list[str] = []
    for group in (*summary.groups, summary.total):
        found = [(label, cues) for label, cues in group.top_cues.items() if cues]
        for index, (label, cues) in enumerate(found):
            name = f"<th scope=\"rowgroup\" class=\"group\" rowspan=\"{len(found)}\">{escape(group.name)}</th>" if index == 0 else ""
            listed = ", ".join(f"\u201c{escape(cue.text)}\u201d\u00a0{cue.count}" for cue in cues)
            first = " class=\"first\"" if index == 0 else ""
            rows.append(f"<tr{first}>{name}<td><span class=\"swatch\" style=\"background:{_COLOURS[label]}\">{_TAGS[label]}"
                        f"</span> {label}</td><td class=\"cues\">{listed}</td></tr>")
    if not rows:
        return "<p>None listed (top 0).</p>" if not summary.top else "<p>No cues: no sentence carried a label.</p>"
    return (f"<p class=\"note\">Cues case-folded, a frame as its source and verb; the number is how many times "
            f"each drove its label "
            f"(top {summary.top} per label).</p><table><tr><th scope=\"col\">group</th><th scope=\"col\">label</th>"
            f"<th scope=\"col\">most frequent cues</th></tr>{''.join(rows)}</table>")


__all__ = ["SCOPE", "STYLE", "render_summary_html"]
