"""llmbrief.claims: who claims a number, in its sentence or the one before it."""

from __future__ import annotations

import pytest

from llmbrief.analysis import Parsed, parse_many
from llmbrief.attach import anchor_token
from llmbrief.claims import claimants, sentence_claimants

# (text, figure, first claimant as written or None, index of the claimant's sentence
#  when it is not the number's own)
CASES = [
    ("According to Reuters, Egypt delivered 50 trucks to Sudan.", "50", "Reuters", None),
    ("Egypt delivered 50 trucks to Sudan, according to the UN.", "50", "UN", None),
    ("The defence ministry said Nigeria sent 800 peacekeepers to Mali.", "800",
     "defence ministry", None),
    ("Nigeria sent 800 peacekeepers to Mali, the defence ministry said.", "800",
     "defence ministry", None),
    ("Local officials estimate that 5,000 people have died in Tigray.", "5,000",
     "Local officials", None),
    ("Brazil donated 20 ambulances to Bolivia, as reported by local media.", "20",
     "local media", None),
    ("Junta troops captured 35 rebels near Mandalay, state media reported.", "35",
     "state media", None),
    ("Spain pledged 10 Leopard tanks for Kyiv, Defence Minister Marta Ruiz said on Thursday.",
     "10", "Defence Minister Marta Ruiz", None),
    ("Sudan's army said 35 fighters died near El Fasher.", "35", "Sudan's army", None),
    ("The monitoring group reported on Monday.\nIt said 12 soldiers were killed near Kherson.",
     "12", "monitoring group", 0),
    ("The monitoring group reported on Monday. He said 12 soldiers were killed near Kherson.",
     "12", "monitoring group", 0),
    ("The army said on Monday.\nIt added that 200 troops had been sent to Goma.", "200",
     "army", 0),
    ("The monitoring group reported on Monday. The army said 12 soldiers were killed.", "12",
     "army", None),
    ("Aid workers counted 300 graves in Darfur. The UN confirmed 40 more on Friday.", "300",
     "Aid workers", None),
    ("It said 12 soldiers were killed near Kherson.", "12", None, None),
    # a blank line ends the paragraph: only "it said" still points back across it
    ("The health ministry reported on Monday.\n\nIt said 41 people were killed in Gaza.",
     "41", "health ministry", 0),
    ("The health ministry reported on Monday.\n\nAt least 41 people were killed in Gaza.",
     "41", None, None),
    ("The health ministry reported on Monday.\nAt least 41 people were killed in Gaza.",
     "41", "health ministry", 0),
    ("Chad sent 500 soldiers to Niger.", "500", None, None),
    ("Chad sent 500 soldiers to Niger, according to him.", "500", None, None),
    ("Mali hosts 1,000 Russian instructors. Chad sent 500 soldiers to Niger.", "500", None, None),
    # claiming a deed is no report
    ("The rebel group claimed responsibility for an attack in which 21 people were killed.",
     "21", None, None),
    # a source the parse hangs elsewhere, just before its verb
    ("In a statement to AFP, a representative of the rebels said that 17 people died.", "17",
     "representative of the rebels", None),
    # a document claims for who released it
    ("A report released by the United Nations claiming that 300 civilians were killed was "
     "rejected.", "300", "United Nations", None),
    ("This is a video released by Sudan's rapid support unit claiming that 40 soldiers were "
     "captured.", "40", "Sudan's rapid support unit", None),
    # a subjectless "said in" a document: who published it
    ("So far we have shipped 300 generators, said a statement published on the website of the "
     "Red Cross.", "300", "Red Cross", None),
    # a line break ends the attribution of a line that says what it reports
    ("Aid to Goma\nBy a staff writer\nTrucks reached Goma on Monday.\nAccording to the monitoring "
     "group, 20 trucks reached Goma on Monday.\nRwanda pledged 500 tents to the camps.", "500",
     None, None),
    # a story's opening source covers its numbers that name none
    ("Chad to send 500 soldiers to Niger – state radio\n\nChad will send 500 soldiers to Niger "
     "next month.\n\nThe first 200 will leave on Monday.", "200", "state radio", 0),
    ("Mali received 40 armoured trucks this spring, according to Le Monde.\n\nIt is said that "
     "Paris sent them quietly.\n\nThe shipment also held 12 mortars.", "12", "Le Monde", 0),
    # a sentence that credits someone else, unnamed, is not the story source's
    ("Mali received 40 armoured trucks this spring, according to Le Monde.\n\nThere are "
     "reports that Algeria may send 300 more.", "300", None, None),
    # a byline is no source
    ("Chad sends troops\n- ANA MARIA-SOUZA\nChad pledged 500 soldiers to Niger.", "500", None,
     None),
    # quoted speech: the speaker named at the end of the paragraph
    ("We will ship 40 ambulances by May. By June we will have sent 90 in total, Mendes said.",
     "40", "Mendes", 1),
    # "This was stated by X": the next sentence's source reports this one
    ("Peru will send 120 engineers to Haiti. This was stated by Defence Minister Rosa Quispe "
     "on Friday.", "120", "Defence Minister Rosa Quispe", 1),
    # "put" reports only with "at"; "putting forces on the ground" reports nothing
    ("Kenya pledged 1,000 officers, an offer welcomed by nations that had ruled out putting "
     "their own forces on the ground.", "1,000", None, None),
    ("Officials put the toll at 45 dead.", "45", "Officials", None),
    ("The Kenyan defense intelligence estimates place Somali casualties at over 600.", "over 600",
     "Kenyan defense intelligence estimates", None),
    # whose counts or estimates
    ("The raid killed 60 people, according to Sudanese estimates.", "60", "Sudanese estimates",
     None),
    ("The raid killed 60 people, according to the latest estimates.", "60", None, None),
]  # fmt: skip

TEXTS = sorted({c[0] for c in CASES})


@pytest.fixture(scope="module")
def parsed() -> dict[str, Parsed]:
    return dict(zip(TEXTS, parse_many(TEXTS), strict=True))


def _anchor(p: Parsed, figure: str) -> int:
    start = p.text.index(figure)
    return anchor_token(p, start, start + len(figure))


@pytest.mark.parametrize(("text", "figure", "claimant", "sentence"), CASES)
def test_claimant(
    parsed: dict[str, Parsed], text: str, figure: str, claimant: str | None, sentence: int | None
) -> None:
    p = parsed[text]
    found, where = claimants(p, _anchor(p, figure))
    assert (found[0].text if found else None) == claimant
    assert where == sentence
    for ph in found:
        assert text[ph.start : ph.end] == ph.text
        if where is not None:
            assert p.tokens_in(ph.start, ph.end)[0].sent == where


def test_a_pronoun_alone_points_back() -> None:
    (p,) = parse_many(["It said 12 soldiers were killed near Kherson."])
    names, pronoun_only = sentence_claimants(p, 0, None)
    assert names == [] and pronoun_only


def test_a_named_claimant_is_not_pronoun_only() -> None:
    (p,) = parse_many(["The agency said 40 people died on Saturday."])
    names, pronoun_only = sentence_claimants(p, 0, None)
    assert [n.text for n in names] == ["agency"] and not pronoun_only


def test_claimants_are_unique() -> None:
    text = "According to the UN, 150 civilians were killed in Khartoum, the UN said."
    (p,) = parse_many([text])
    names, _ = sentence_claimants(p, 0, None)
    lowered = [n.text.lower() for n in names]
    assert lowered[0] == "un"
    assert len(lowered) == len(set(lowered))
