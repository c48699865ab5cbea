"""A :class:`~provenance.summary.Summary` as an aligned terminal table or as CSV.

The table is for a person (label tags as column heads, a key beneath, then the most frequent cues);
CSV is for a spreadsheet or a dataframe (one row per group, every number in its own column, no cues:
they are lists, and the JSON output carries them).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from typing import Final

from provenance.labels import LABEL_INFO, LABELS
from provenance.summary import LEVEL_HEADINGS, LEVELS, GroupSummary, Summary

_TAGS: Final = {info.id: info.tag for info in LABEL_INFO}
#: Characters that make a spreadsheet read a cell as a formula; such a cell gets a leading apostrophe.
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def summary_table(summary: Summary, by: str = "dir", clean: Callable[[str], str] = str) -> str:
    """The summary as fixed-width columns, one row per group and (all) last, then the top cues.

    ``clean`` makes names and cues safe to print (the command line passes its control-character
    escaper); numbers are right-aligned, names left-aligned.
    """
    head = ["group", "articles", "sentences", "flagged", *(_TAGS[label] for label in LABELS),
            "mean risk", "median", *(LEVEL_HEADINGS[level] for level in LEVELS)]
    rows = [_row(group, clean) for group in (*summary.groups, summary.total)]
    widths = [max(len(cells[i]) for cells in (head, *rows)) for i in range(len(head))]
    lines = [_line(head, widths)]
    lines.extend(_line(cells, widths) for cells in rows[:-1])
    lines.append("  ".join("-" * width for width in widths))
    lines.append(_line(rows[-1], widths))
    keys = [f"{_TAGS[label]} {label}" for label in LABELS]
    lines.append(f"grouped by {clean(by)}; flagged: share of sentences with a flag (any label but on_record);")
    lines.append(f"label columns: sentences per label ({', '.join(keys[:3])},")
    lines.append(f"  {', '.join(keys[3:])});")
    lines.append("low/medium/high: articles per risk level; unrated: not English, so not rated and left out "
                 "of the risk columns")
    if summary.top:
        lines.append("")
        lines.append(f"most frequent cues (top {summary.top} per label; times each drove its label):")
        for group in (*summary.groups, summary.total):
            cues = [(label, found) for label, found in group.top_cues.items() if found]
            if not cues:
                continue
            lines.append(f"  {clean(group.name)}")
            width = max(len(label) for label, _ in cues)
            for label, found in cues:
                listed = ", ".join(f"\"{clean(cue.text)}\" {cue.count}" for cue in found)
                lines.append(f"    {label:<{width}}  {listed}")
    return "\n".join(lines) + "\n"


def _row(group: GroupSummary, clean: Callable[[str], str]) -> list[str]:
    """The table cells of one group."""
    return [
        clean(group.name),
        str(group.articles),
        str(group.sentences),
        _percent(group.flagged_share),
        *(str(group.label_sentences[label]) for label in LABELS),
        _fixed(group.mean_risk),
        _fixed(group.median_risk),
        *(str(group.levels[level]) for level in LEVELS),
    ]


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    """The first cell left-aligned, the others right-aligned, two spaces apart."""
    first, *rest = cells
    return "  ".join([first.ljust(widths[0]), *(cell.rjust(width) for cell, width in zip(rest, widths[1:]))]).rstrip()


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{share:.1%}"


def _fixed(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def summary_csv(summary: Summary) -> str:
    """One header row, then one row per group and the (all) row last; shares and risks rounded
    to 4 places, empty where a group has nothing to average."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["group", "articles", "sentences", "flagged_sentences", "flagged_share", "unlabelled_sentences",
                     *LABELS, "mean_risk", "median_risk", *LEVELS])
    for group in (*summary.groups, summary.total):
        writer.writerow([
            _cell(group.name), group.articles, group.sentences, group.flagged_sentences,
            _number(group.flagged_share), group.unlabelled_sentences,
            *(group.label_sentences[label] for label in LABELS),
            _number(group.mean_risk), _number(group.median_risk), *(group.levels[level] for level in LEVELS),
        ])
    return buffer.getvalue()


def _cell(text: str) -> str:
    """Text a spreadsheet will show as text: a would-be formula gets a leading apostrophe (OWASP's advice)."""
    return "'" + text if text.startswith(_FORMULA_START) and text != "-" else text


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


__all__ = ["summary_csv", "summary_table"]
