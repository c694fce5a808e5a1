"""Records from answers: what the model decided, on what the analysis found.

Takes the article's text, a reading (:class:`~llmbrief.reading.NumberReading`
or :class:`~llmbrief.visits.VisitReading`) and the model's answer; gives a
record whose every printed attribute is a span of its own evidence, kept in
``spans`` with raw offsets beside the normalized value (a country for
"Pyongyang"). Pure: no model, no I/O.
"""

from __future__ import annotations

import re
from typing import Any

from llmbrief.attach import Phrase
from llmbrief.models import (
    AttributeSpan,
    Casualties,
    Deployment,
    DiplomaticVisit,
    Evidence,
    Figure,
    Record,
)
from llmbrief.numbers import parse_figure_text
from llmbrief.questions import NONE
from llmbrief.reading import NumberReading
from llmbrief.visits import VisitReading

_PERSONNEL = [
    (("sapper",), "sappers"),
    (("special forces", "special operations", "commando"), "special_forces"),
    (("engineer",), "engineers"),
    (("builder", "construction", "reconstruction"), "construction_workers"),
    (("adviser", "advisor", "instructor", "trainer"), "advisers"),
    (("worker", "labor", "labour", "employee", "hands"), "laborers"),
    (
        ("troop", "soldier", "force", "unit", "fighter", "personnel", "military", "marine",
         "peacekeeper", "paratrooper", "servicem", "army", "brigade", "battalion"),
        "combat_troops",
    ),
]  # fmt: skip
_CATEGORY = [
    (("shell", "ammunition", "ammo", "round", "munition", "cartridge"), "ammunition"),
    (("missile", "rocket"), "missiles"),
    (("drone", "uav", "unmanned"), "drones"),
    (("air defense", "air defence", "interceptor", "patriot"), "air_defense"),
    (("artillery", "howitzer", "gun", "launcher", "mortar"), "artillery"),
    (("tank", "vehicle", "armored", "armoured", "truck", "carrier"), "vehicles"),
    (("rifle", "small arms", "weapon", "grenade"), "small_arms"),
]


def _classify(words: str | None, table: list[tuple[tuple[str, ...], str]], default: str) -> Any:
    lw = (words or "").lower()
    for keys, value in table:
        if any(k in lw for k in keys):
            return value
    return default


def figure_from(text: str, unit: str | None) -> Figure:
    """A figure whose value, bounds and qualifier are parsed from its text by code."""
    p = parse_figure_text(text)
    return Figure(
        text=text, value=p.value, low=p.low, high=p.high, qualifier=p.qualifier, unit=unit
    )


def evidence_of(text: str, start: int, end: int) -> Evidence:
    """The evidence quote of raw ``[start, end)``, whitespace trimmed, with its offsets."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Evidence(quote=text[start:end], start=start, end=end)


class _Grounded:
    """Attribute values and the spans they come from, collected for one record."""

    def __init__(self) -> None:
        self.spans: list[AttributeSpan] = []

    def take(self, field: str, ph: Phrase | None, value: str | None = None) -> str | None:
        if ph is None or not ph.text:
            return None
        self.spans.append(AttributeSpan(field=field, text=ph.text, start=ph.start, end=ph.end))
        return value if value is not None else ph.text


def _pick(phrases: list[Phrase], answer: str | None, *, by_party: bool = True) -> Phrase | None:
    if not answer or answer == NONE:
        return None
    for ph in phrases:
        if (ph.party if by_party else ph.text) == answer:
            return ph
    return None


def _chosen(phrases: list[Phrase], answer: str | None, tied: int) -> Phrase | None:
    """The candidate an answer names (as written); where the answer is ``none`` but the
    grammar ties ``tied`` candidates to the number itself, the parse's first of them.

    Measured on the dev set, the embedded 270M model answers ``none`` for a claimant or
    party the grammar states ("X said that 35 were killed") far more often than it
    rightly rejects one, so ``none`` chooses only where the parse ties nothing."""
    picked = _pick(phrases, answer, by_party=False)
    if picked is None and answer == NONE and tied > 0 and phrases:
        return phrases[0]
    return picked


def number_record(text: str, r: NumberReading, answer: dict[str, Any]) -> Record | None:
    """The record an answer about a number describes; None when it counts something else."""
    what = answer["what"]
    if what in ("other", "visits"):
        return None
    a = r.attachment
    g = _Grounded()
    claimant = _chosen(a.claimants, answer.get("claimant"), len(a.claimants))
    common: dict[str, Any] = {
        "claimant": g.take("claimant", claimant),
        "status": answer["status"],
        "date_text": g.take("date_text", a.date),
    }
    unit = a.counted.text if a.counted else None
    fig = figure_from(r.figure.text, unit)
    if what in ("sent", "supplied"):
        sender = _chosen(a.senders, answer.get("sender"), a.strong[0])
        receiver = _chosen(a.receivers, answer.get("receiver"), a.strong[1])
        if sender is not None and receiver is not None and sender.party == receiver.party:
            receiver = None  # nobody sends to themselves: the answer names one party twice
        common["evidence"] = _with_context(text, r, [claimant, sender, receiver])
        parties = {
            "from": g.take("sender" if what == "sent" else "supplier", sender, _party(sender)),
            "to": g.take("receiver" if what == "sent" else "recipient", receiver, _party(receiver)),
        }
        if what == "sent":
            return _finish(
                Deployment(
                    **common,
                    sender=parties["from"],
                    receiver=parties["to"],
                    destination=g.take("destination", _not_country(a.destination)),
                    personnel=_classify(unit, _PERSONNEL, "other"),
                    personnel_text=g.take("personnel_text", a.counted),
                    count=fig,
                ),
                g,
            )
        from llmbrief.models import EquipmentTransfer

        return _finish(
            EquipmentTransfer(
                **common,
                supplier=parties["from"],
                recipient=parties["to"],
                item=g.take("item", a.counted),
                category=_classify(unit, _CATEGORY, "other"),
                quantity=fig,
            ),
            g,
        )
    field = "total" if what == "casualties" else what
    common["evidence"] = _with_context(text, r, [claimant])
    force = a.force
    return _finish(
        Casualties(
            **common,
            force=g.take("force", force),
            location=g.take("location", a.location),
            **{field: fig},
        ),
        g,
    )


def _with_context(text: str, r: NumberReading, chosen: list[Phrase | None]) -> list[Evidence]:
    """The number's evidence, after the earlier sentences a chosen party was carried from
    (text order): every attribute stands in the record's own quotes."""
    a, b = r.evidence
    outside = [ph for ph in chosen if ph is not None and not a <= ph.start < b]
    spans = [(s, e) for s, e in r.context if any(s <= ph.start < e for ph in outside)]
    return [evidence_of(text, s, e) for s, e in sorted({*spans, (a, b)})]


def _party(ph: Phrase | None) -> str | None:
    return ph.party if ph is not None else None


def _not_country(ph: Phrase | None) -> Phrase | None:
    """A destination worth printing: a place below the country ("Kursk region")."""
    if ph is None:
        return None
    from llmbrief.gazetteer import country_of

    return None if country_of(ph.text) == ph.text or ph.country == ph.text else ph


def _finish(record: Record, g: _Grounded) -> Record:
    return record.model_copy(update={"spans": g.spans})


def visit_record(
    text: str, v: VisitReading, answer: dict[str, Any], count: Figure | None = None
) -> DiplomaticVisit | None:
    """The visit record an answer confirms; None when the model says it is no visit."""
    if answer.get("visit") != "yes":
        return None
    g = _Grounded()
    visitor = next((ph for ph in v.visitors if ph.text == answer["visitor"]), v.visitors[0])
    # the sentences that name the visitor or the destination, when not the visit's own
    spans = {v.sentence, *(s for s in (v.named_in, v.place_in) if s is not None)}
    evidence = [evidence_of(text, *s) for s in sorted(spans)]
    host = g.take("host_country", v.host_place or v.destination, v.host_country)
    place = g.take("place", _visit_place(v))
    return DiplomaticVisit(
        status=answer["status"],
        date_text=g.take("date_text", v.date),
        evidence=evidence,
        visitor=g.take("visitor", visitor) or visitor.text,
        visitor_role=g.take("visitor_role", v.role if v.role is not visitor else None),
        host_country=host,
        place=place,
        count=count,
        spans=g.spans,
    )


def _visit_place(v: VisitReading) -> Phrase:
    """The place as a brief prints it: the words naming the host's place, or the whole
    destination where those words are a people ("the Ukrainian capital")."""
    from llmbrief.gazetteer import is_demonym

    if v.host_place is None or (is_demonym(v.host_place.text) and v.place_in is None):
        return v.destination
    return v.host_place


def merge_visits(records: list[Record]) -> list[Record]:
    """Several sentences about one visitor's visit to one country become one record;
    visits dated differently ("in 2000", "on Wednesday") stay apart."""
    out: list[Record] = []
    by_key: dict[tuple[str, str | None, str], int] = {}
    for r in records:
        if not isinstance(r, DiplomaticVisit):
            out.append(r)
            continue
        own: tuple[str, str | None, str] = (
            r.visitor.lower().removeprefix("the ").split()[-1],
            r.host_country,
            r.status,
        )
        key = next((k for k in by_key if _same_name(k, own)), own)
        prev = out[by_key[key]] if key in by_key else None
        assert prev is None or isinstance(prev, DiplomaticVisit)
        if prev is None or _dated_apart(prev.date_text, r.date_text):
            by_key[key] = len(out)
            out.append(r)
            continue
        fields = ("date_text", "visitor_role", "place", "count")
        update: dict[str, Any] = {
            "evidence": _new_quotes(prev.evidence, r.evidence),
            "spans": prev.spans + [s for s in r.spans if s.field not in _filled(prev, fields)],
            "verification": None,
        }
        for f in fields:
            update[f] = getattr(prev, f) or getattr(r, f)
        out[by_key[key]] = prev.model_copy(update=update)
    return out


def _new_quotes(old: list[Evidence], new: list[Evidence]) -> list[Evidence]:
    """The evidence of two mentions of one visit, each sentence once: by its offsets, and
    by its words where an article repeats a paragraph (the verifier finds the first)."""
    out = list(old)
    for e in new:
        if not any(e.quote == o.quote or _same_offsets(e, o) for o in out):
            out.append(e)
    return out


def _same_offsets(a: Evidence, b: Evidence) -> bool:
    return a.start is not None and (a.start, a.end) == (b.start, b.end)


def _same_name(a: tuple[str, str | None, str], b: tuple[str, str | None, str]) -> bool:
    """One surname written twice, once misspelt ("Jaishankar", "Jaishakar"): long
    enough, the same first letter, and one letter apart."""
    from difflib import SequenceMatcher

    (x, *rest_a), (y, *rest_b) = a, b
    if rest_a != rest_b or x == y or min(len(x), len(y)) < 6 or x[0] != y[0]:
        return False
    return SequenceMatcher(None, x, y).ratio() >= 0.9


_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")


_NEWS_DAY = re.compile(
    r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day|\b(?:today|yesterday|tomorrow|tonight)\b",
    re.I,
)


def _dated_apart(a: str | None, b: str | None) -> bool:
    """Whether two mentions of a visit by one person to one country tell two visits:
    dated differently (days of the week in the news are one trip), or one dated in a
    year ("in July 2000") while the other, undated, is the visit in the news."""
    if a and b:
        return a != b and not (_NEWS_DAY.search(a) and _NEWS_DAY.search(b))
    dated = a or b
    return bool(dated and _YEAR.search(dated))


def _filled(r: DiplomaticVisit, fields: tuple[str, ...]) -> set[str]:
    return {f for f in (*fields, "visitor", "host_country") if getattr(r, f) is not None}
