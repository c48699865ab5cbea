"""Each settled convention of the contract (docs/taxonomy.md), pinned with a sentence that must carry a
label and one that must not, scored by the shipped model."""

from __future__ import annotations

import pytest

import provenance


def labels_of(text: str, sentence: int = 0) -> set[str]:
    return set(provenance.score(text).sentences[sentence].labels)


@pytest.mark.parametrize(
    ("convention", "text", "must", "must_not"),
    [
        # 1. A name is not a source.
        (1, "Mayor Dana Obi opened the rebuilt Harlow footbridge on Tuesday morning.", set(), {"on_record"}),
        (1, "Mayor Dana Obi said the rebuilt Harlow footbridge would reopen on Tuesday.", {"on_record"}, set()),
        (1, "KELDBY, Norway — Harbourmaster Lise Brun and two tugboat crews freed the trawler at dawn.", set(), {"on_record"}),
        # 3. Describing a withheld source is not exclusive access.
        (3, "A person familiar with the matter said the merger would be announced on Monday.",
         {"anonymous_source"}, {"exclusive_access"}),
        (3, "This reporter has learned that the merger will be announced on Monday.", {"exclusive_access"}, set()),
        # 4. Seen by an outlet: leaked, and exclusive only with an exclusivity claim.
        (4, "A memo seen by the Gazette lists 40 job cuts at the Harwick depot.", {"leaked_document"}, {"exclusive_access"}),
        # 5. "Is said to" is an impersonal voice.
        (5, "The striker is said to be unhappy with his role at the club.", {"vague_attribution"}, {"unverified_claim"}),
        # 6. An outlet reporting is on the record; an outlet receiving adds nothing.
        (6, "The takeover is worth about $2bn, according to CNBC.", {"on_record"}, set()),
        (6, "A source told CNN the takeover was worth about $2bn.", {"anonymous_source"}, {"on_record"}),
        # 7. A named speaker inside a leak or a closed channel stays on the record.
        (7, "Plant manager Rosa Perez wrote in an internal email that the line would close in May.",
         {"on_record", "leaked_document"}, set()),
        (7, "Senator Ilan Ruiz told donors at a private dinner that the tax cut was dead.",
         {"on_record", "closed_channel"}, set()),
        # 8. A closed channel must carry the information.
        (8, "The planning committee met behind closed doors on Tuesday afternoon.", set(), {"closed_channel"}),
        (8, "Members who attended the closed-door session said the vote had been postponed.",
         {"vague_attribution", "closed_channel"}, set()),
        # 9. Uncounted plurals are vague; counted ones anonymous.
        (9, "People familiar with the matter said the bid had been withdrawn.", {"vague_attribution"}, {"anonymous_source"}),
        (9, "Two people familiar with the matter said the bid had been withdrawn.", {"anonymous_source"}, set()),
    ],
)
def test_convention(convention: int, text: str, must: set[str], must_not: set[str]) -> None:
    found = labels_of(text)
    assert must <= found, (convention, found)
    assert not (must_not & found), (convention, found)


def test_convention_2_follow_ups_take_the_kind_they_point_back_to() -> None:
    withheld = "A senior official said the talks had stalled. The official added that a deal was still possible."
    assert "anonymous_source" in labels_of(withheld, 1) and "on_record" not in labels_of(withheld, 1)
    named = "Finance Minister Ana Ruiz said the budget was final. She added that taxes would not rise."
    assert "on_record" in labels_of(named, 1)
    group = "Diplomats said the summit was off. The diplomats said it could resume next year."
    assert "vague_attribution" in labels_of(group, 1)


def test_convention_2_a_pronoun_with_nothing_before_it_gets_no_label() -> None:
    assert labels_of("She said the bridge would reopen on Tuesday.") == set()
