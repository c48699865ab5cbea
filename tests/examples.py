"""Boundary examples for every label, in the project's own words: (label, should_flag, should_not_flag).

Each row pairs a sentence that must carry the label with a near miss that must not, following the
"yes" and "no" examples of docs/taxonomy.md, hard negatives included.
"""

from __future__ import annotations

EXAMPLES: list[tuple[str, str, str]] = [
    # anonymous_source: one described person or a small counted set, identity withheld.
    ("anonymous_source",
     "A senior health official, speaking on condition of anonymity, said the ward would close.",
     "An anonymous donor gave $5m to rebuild the children's ward."),
    ("anonymous_source",
     "\u201cThis is a matter of survival,\u201d one insider told the paper.",
     "The essay explores why anonymity matters to whistleblowers in general."),
    ("anonymous_source",
     "A person familiar with the matter said the bid would be withdrawn on Friday.",
     "Rail Minister Tomas Varga said the bid would be withdrawn on Friday."),
    ("anonymous_source",
     "A former officer who asked not to be named described the raid as chaotic.",
     "Former police officer Jonas Reed, who led the unit until 2019, described the raid as chaotic."),
    # vague_attribution: unspecified groups and impersonal voices.
    ("vague_attribution",
     "Sources within the fire service have confirmed that the alarm failed.",
     "The fire service said in a statement that the alarm failed."),
    ("vague_attribution",
     "Experts say the bridge may need to be rebuilt from scratch.",
     "Experts from the highways agency will inspect the bridge on Monday."),
    ("vague_attribution",
     "It is understood that the board will meet again next week.",
     "The board will meet again next week."),
    ("vague_attribution",
     "Officials at the ministry said the scheme had run out of money.",
     "The company relies on three main sources of revenue."),
    # exclusive_access: privileged or insider access claimed as the basis.
    ("exclusive_access",
     "This reporter has learned that the club is preparing a second offer.",
     "The club signed an exclusive kit deal with a sportswear brand."),
    ("exclusive_access",
     "A report obtained exclusively by this newspaper shows the budget was overspent.",
     "In an exclusive interview with this newspaper, Mayor Ines Falk said the budget was overspent."),
    ("exclusive_access",
     "The details were shared with us through privileged access to the negotiating team.",
     "Visitors with a day pass have access to the museum's east wing."),
    # leaked_document: leaked, internal, confidential, classified or unpublished material.
    ("leaked_document",
     "Internal documents leaked to this publication suggest the recall was delayed.",
     "Oil leaked from the damaged tanker for most of the night."),
    ("leaked_document",
     "A confidential memo seen by the newspaper warns of further job cuts.",
     "The annual report published on Tuesday warns of further job cuts."),
    ("leaked_document",
     "According to a classified review, the base was not ready for inspection.",
     "Court filings released this week show the base was not ready for inspection."),
    # closed_channel: closed, private, encrypted or restricted channels and meetings.
    ("closed_channel",
     "The warning was passed on in a closed-door briefing to regional governors.",
     "The warning was repeated in a televised address to the nation."),
    ("closed_channel",
     "Orders were circulated to staff through an encrypted messaging group.",
     "Drivers were told to expect delays because the road was closed for repairs."),
    ("closed_channel",
     "She made the admission in a private meeting with donors last month.",
     "Private schools in the region will reopen on Monday."),
    # unverified_claim: the text signals the claim is unconfirmed or without evidence.
    ("unverified_claim",
     "The striker reportedly earns twice as much as his teammates.",
     "The striker earns twice as much as his teammates, according to the club's published accounts."),
    ("unverified_claim",
     "The footage could not be independently verified.",
     "Rain is expected across the north tomorrow afternoon."),
    ("unverified_claim",
     "The pair allegedly sold forged tickets outside the stadium.",
     "The pair sold tickets outside the stadium before the match."),
    ("unverified_claim",
     "No evidence has been presented to support the claim.",
     "Prosecutor Dana Ilves presented evidence to the court on Tuesday."),
    # on_record: named people, named organisations speaking officially, public records.
    ("on_record",
     "Acting mayor Petra Lindqvist confirmed that nobody was injured.",
     "Firefighters managed to put out the blaze before dawn."),
    ("on_record",
     "According to the health ministry's figures, 214 patients were admitted.",
     "Many patients were admitted over the weekend."),
    ("on_record",
     "Court records show the company was fined twice in 2019.",
     "Sources say the company was fined twice in 2019."),
    ("on_record",
     "Governor Alan Brask wrote on his Telegram channel that power had been restored.",
     "Power had been restored by the evening."),
]

# Sentences that carry two labels at once.
COMBINED: list[tuple[str, set[str]]] = [
    ("Mayor Ruiz confirmed the figure in a closed-door briefing.", {"on_record", "closed_channel"}),
    ("Two officials, speaking on condition of anonymity, said a leaked memo shows the plan was approved.",
     {"anonymous_source", "leaked_document"}),
]
