"""Key points as newsroom sentences: one fact, one sentence, the source in it.

Takes a fact (see :mod:`llmbrief.consolidate`) and a :class:`Sourcing`
(footnotes and article names); gives one Markdown bullet an editor can paste:

* the status is in the verb ("has sent", "plans to send", "may send",
  "denied sending"), the figure is as the source writes it (hedge kept), and
  the attribution stands in the sentence ("…, according to X[^1]"; "According
  to X[^1], 1,000 …" when the sentence would otherwise open with digits);
* other wordings of the same fact follow as "X[^2] says it may send …";
* a range gives each figure with its own source, lowest to highest
  ("Estimates of the troops … range from approximately 10,900, according to
  A[^1], to around 12,000, according to B[^2]"), never a sum or an average;
* a visit gives every date and count its sources report.

The brief's own words never hold a number; every number comes from a record
field the verifier checked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from llmbrief.citations import Sourcing, join_words
from llmbrief.consolidate import Claim, Fact, figure_size, variants
from llmbrief.models import Casualties, Deployment, DiplomaticVisit, EquipmentTransfer, Record
from llmbrief.people import claimant_key, key_text
from llmbrief.phrases import (
    NOUNS,
    PARTICIPLES,
    SMALL_WORDS,
    cap,
    clean,
    counted,
    figure_text,
    is_adjective,
    personnel_words,
    place_phrase,
    plural_people,
    purpose_phrase,
    when_phrase,
)

__all__ = [
    "figure_text",
    "is_adjective",
    "key_point",
    "personnel_words",
    "place_phrase",
    "when_phrase",
]

_VERBS: dict[str, dict[str, str]] = {
    "deployment": {
        "actual": "has sent",
        "planned": "plans to send",
        "possible": "may send",
        "denied": "denied sending",
    },
    "equipment_transfer": {
        "actual": "has supplied",
        "planned": "plans to supply",
        "possible": "may supply",
        "denied": "denied supplying",
    },
    "diplomatic_visit": {
        "actual": "visited",
        "planned": "plans to visit",
        "possible": "may visit",
        "denied": "denied visiting",
    },
}

#: Passive verbs (plural subject) for a sentence without a sender or supplier.
_PASSIVE: dict[str, dict[str, str]] = {
    "deployment": {
        "actual": "have been sent",
        "planned": "are to be sent",
        "possible": "may be sent",
    },
    "equipment_transfer": {
        "actual": "have been supplied",
        "planned": "are to be supplied",
        "possible": "may be supplied",
    },
}


# ---------------------------------------------------------------- clauses
_ONGOING = ("since", "so far", "as of", "until", "till", "to date", "over the past")


def _past(r: Record) -> bool:
    """Whether a done event has a point in time, so the verb is past ("sent … on June 17"),
    not present perfect ("has sent"); a period up to now ("since May") keeps the perfect."""
    date = key_text(r.date_text)
    return r.status == "actual" and bool(date) and not date.startswith(_ONGOING)


def _verb(kind: str, r: Record) -> str:
    if _past(r):
        return {"deployment": "sent", "equipment_transfer": "supplied"}[kind]
    return _VERBS[kind][r.status]


def _passive(kind: str, r: Record) -> str:
    if _past(r):
        return {"deployment": "were sent", "equipment_transfer": "were supplied"}[kind]
    return _PASSIVE[kind][r.status]


def _deployment(claim: Claim, r: Deployment, *, pronoun: bool = False) -> str:
    what = counted(claim, personnel_words(r))
    tail = f"{_to(r)}{purpose_phrase(r.purpose)}{when_phrase(r.date_text)}"
    if r.sender:
        who = "it" if pronoun else place_phrase(r.sender)
        return f"{who} {_verb('deployment', r)} {what}{tail}"
    if r.status == "denied":
        return f"a report that {what} had been sent{tail} was denied"
    return f"{what} {_passive('deployment', r)}{tail}"


def _transfer(claim: Claim, r: EquipmentTransfer, *, pronoun: bool = False) -> str:
    what = counted(claim, clean(r.item) or r.category.replace("_", " "))
    tail = f"{_to(r)}{when_phrase(r.date_text)}"
    if r.supplier:
        who = "it" if pronoun else place_phrase(r.supplier)
        return f"{who} {_verb('equipment_transfer', r)} {what}{tail}"
    if r.status == "denied":
        return f"a report that {what} had been supplied{tail} was denied"
    return f"{what} {_passive('equipment_transfer', r)}{tail}"


def _suffered(force: str, r: Record) -> str:
    if r.status in ("planned", "possible"):
        return "may have suffered"
    if _past(r):
        return "suffered"
    return f"{'have' if plural_people(force) else 'has'} suffered"


def _casualties(claim: Claim, r: Casualties) -> str:
    fig = figure_text(claim)
    force = clean(r.force)
    tail = f"{f' in {place_phrase(r.location)}' if r.location else ''}{when_phrase(r.date_text)}"
    maybe = r.status in ("planned", "possible")
    been = "may have been" if maybe else "were" if _past(r) else "have been"
    measure = claim.measure
    vague = claim.figure is not None and claim.figure.qualifier == "vague"
    of = " of" if vague else ""
    if force and is_adjective(force):
        noun = "casualties" if measure in ("total", None) else NOUNS[measure]
        if measure in ("captured", "missing"):
            noun = "people"
        counted = f"{fig}{of} {force} {noun}" if fig else f"{force} losses"
        verb = PARTICIPLES[measure] if measure in ("captured", "missing") else "reported"
        text = f"{counted} {been} {verb}{tail}"
    elif measure is None or not fig:
        text = (
            f"{force} {_suffered(force, r)} losses{tail}"
            if force
            else f"losses {been} reported{tail}"
        )
    elif measure == "total":
        text = (
            f"{force} {_suffered(force, r)} {fig} casualties{tail}"
            if force
            else f"{fig} casualties {been} reported{tail}"
        )
    else:
        if force and plural_people(force):
            counted = f"{fig}{of} {force}"
        elif force:
            counted = f"{fig}{of} members of {force}"
        else:
            counted = f"{fig}{of} people"
        text = f"{counted} {been} {PARTICIPLES[measure]}{tail}"
    return f"a report that {text} was denied" if r.status == "denied" else text


def clause(claim: Claim, *, pronoun: bool = False) -> str:
    """The claim as a clause without attribution (lower-case start, no full stop)."""
    r = claim.record
    if isinstance(r, Deployment):
        return _deployment(claim, r, pronoun=pronoun)
    if isinstance(r, EquipmentTransfer):
        return _transfer(claim, r, pronoun=pronoun)
    if isinstance(r, Casualties):
        return _casualties(claim, r)
    assert isinstance(r, DiplomaticVisit)
    return f"{visitor_name([claim])} {_VERBS['diplomatic_visit'][r.status]} {_visit_place(r)}"


def _with_source(text: str, who: str) -> str:
    """A clause and its attribution as one sentence (no digits first)."""
    if text[:1].isdigit():
        return f"According to {who}, {text}"
    return f"{cap(text)}, according to {who}"


# ---------------------------------------------------------------- plain facts
def _claimant_of(variant: Sequence[Claim]) -> str | None:
    keys = {claimant_key(c.claimant) for c in variant if c.claimant}
    return keys.pop() if len(keys) == 1 else None


def _same_words(a: Claim, b: Claim) -> bool:
    return key_text(a.wording) == key_text(b.wording) and a.record.status == b.record.status


def _other_wording(
    variant: Sequence[Claim],
    claims: Sequence[Claim],
    lead: Claim,
    src: Sourcing,
    lead_key: str | None,
) -> str:
    """Another source's wording of the lead's fact (``variant``; ``claims`` are all that
    source says of it), as a clause that names the source."""
    c = variant[0]
    who = src.who(claims, except_claimant=lead_key)
    plural = src.plural(claims, except_claimant=lead_key)
    same_status = c.record.status == lead.record.status
    same_figure = (
        c.figure is not None
        and lead.figure is not None
        and (key_text(c.figure.text) == key_text(lead.figure.text))
    )
    if c.kind == "casualties" or (same_status and key_text(c.wording) == key_text(lead.wording)):
        date = (
            when_phrase(c.record.date_text) if c.record.date_text != lead.record.date_text else ""
        )
        return f"{who} {_puts(figure_text(c), plural)}{date}"
    if same_status and same_figure:
        return f"{who} {'call' if plural else 'calls'} them {_wording(c)}"
    same_sender = _sender(c) == _sender(lead)
    text = clause(c, pronoun=same_sender)
    lead_to = _to(lead.record)
    if lead_to and _to(c.record) == lead_to:
        text = text.replace(lead_to, "", 1)
    return f"{who} {'say' if plural else 'says'} {text}"


def _wording(claim: Claim) -> str:
    r = claim.record
    if isinstance(r, Deployment):
        return personnel_words(r)
    if isinstance(r, EquipmentTransfer):
        return clean(r.item) or r.category.replace("_", " ")
    return clean(claim.wording)


def _to(r: object) -> str:
    """ " to PLACE" as a deployment or transfer sentence says it ("" when unsaid)."""
    if isinstance(r, Deployment):
        where = place_phrase(r.destination) or place_phrase(r.receiver)
    elif isinstance(r, EquipmentTransfer):
        where = place_phrase(r.recipient)
    else:
        return ""
    return f" to {where}" if where else ""


def _puts(figure: str, plural: bool) -> str:
    """ "puts the figure at 11,000"; "gives at least 100" (no "at at")."""
    if key_text(figure).startswith("at "):
        return f"{'give' if plural else 'gives'} {figure}"
    return f"{'put' if plural else 'puts'} the figure at {figure}"


def _sender(claim: Claim) -> str | None:
    r = claim.record
    if isinstance(r, Deployment):
        return r.sender
    if isinstance(r, EquipmentTransfer):
        return r.supplier
    return None


#: Other wordings of a fact spelled out in its key point; further sources are only named.
MAX_OTHER_WORDINGS = 2


def _plain(fact: Fact, src: Sourcing) -> str:
    lead_variant, *others = variants(fact.claims)
    lead = lead_variant[0]
    text = _with_source(clause(lead), src.who(lead_variant))
    lead_key = _claimant_of(lead_variant)
    # one clause per source: a source's further wordings are cited with its first
    by_source: dict[str, list[Claim]] = {}
    firsts: dict[str, Sequence[Claim]] = {}
    for v in others:
        key = src.source_key(v[0], except_claimant=lead_key)
        by_source.setdefault(key, []).extend(v)
        firsts.setdefault(key, v)
    keys = list(by_source)
    for key in keys[:MAX_OTHER_WORDINGS]:
        text += "; " + _other_wording(firsts[key], by_source[key], lead, src, lead_key)
    rest = [c for key in keys[MAX_OTHER_WORDINGS:] for c in by_source[key]]
    if rest:
        also = "report" if src.plural(rest, except_claimant=lead_key) else "reports"
        text += f"; {src.who(rest, except_claimant=lead_key)} also {also} it"
    return text


# ---------------------------------------------------------------- ranges
def _estimates_of(claim: Claim) -> str:
    """What a range estimates: "the troops North Korea has sent to Russia"."""
    r = claim.record
    if isinstance(r, Deployment):
        who = personnel_words(r)
        who = who if key_text(who).startswith("the ") else f"the {who}"
        where = place_phrase(r.destination) or place_phrase(r.receiver)
        to = f" to {where}" if where else ""
        if r.sender:
            return f"{who} {place_phrase(r.sender)} {_VERBS['deployment'][r.status]}{to}"
        return f"{who} sent{to}"
    if isinstance(r, EquipmentTransfer):
        item = clean(r.item) or r.category.replace("_", " ")
        to = f" to {place_phrase(r.recipient)}" if r.recipient else ""
        if r.supplier:
            verb = _VERBS["equipment_transfer"][r.status]
            return f"the {item} {place_phrase(r.supplier)} {verb}{to}"
        return f"the {item} supplied{to}"
    assert isinstance(r, Casualties)
    force = clean(r.force)
    where = f" in {place_phrase(r.location)}" if r.location else ""
    if claim.measure == "total" or claim.measure is None:
        return f"casualties among {force}{where}" if force else f"casualties{where}"
    if force and plural_people(force):
        return f"{force} {PARTICIPLES[claim.measure]}{where}"
    among = f" among {force}" if force else ""
    return f"the {NOUNS[claim.measure]}{among}{where}"


def _range(fact: Fact, src: Sourcing) -> str:
    ordered = sorted(variants(fact.claims), key=lambda v: (figure_size(v[0].figure), v[0].order))
    low, *middle, high = ordered

    def end(v: Sequence[Claim]) -> str:
        return f"{figure_text(v[0])}{when_phrase(v[0].record.date_text)}, according to {src.who(v)}"

    if any(v[0].figure is not None and v[0].figure.qualifier == "range" for v in ordered):
        # "range from 1,100 to 1,300, ..." would read as one span: each figure in turn
        listed = "; ".join(end(v) for v in ordered)
        return f"Estimates of {_estimates_of(ordered[0][0])} differ: {listed}"
    text = f"Estimates of {_estimates_of(ordered[0][0])} range from {end(low)}, to {end(high)}"
    for v in middle:
        date = when_phrase(v[0].record.date_text)
        text += f"; {src.who(v)} {_puts(figure_text(v[0]), src.plural(v))}{date}"
    return text


# ---------------------------------------------------------------- visits
def _title_case(role: str) -> str:
    """An office before a name, as newsrooms write it: "Russian President" (an article,
    and a possessive that points back to the text, "the country's", are left out)."""
    words = [
        w
        for w in role.split()
        if w.lower() not in ("the", "a", "an", "his", "her", "its", "their")
        and not (w[:1].islower() and re.search(r"['’]s?$", w))
    ]
    return " ".join(w if w.lower() in SMALL_WORDS else cap(w) for w in words)


def _display(claim: Claim) -> str:
    r = claim.record
    assert isinstance(r, DiplomaticVisit)
    name = claim.visitor or r.visitor
    role = r.visitor if claim.visitor else r.visitor_role
    name = _title_case(name) if name[:1].islower() else name  # "kingdom’s Foreign Secretary X"
    if role and key_text(role) not in key_text(name):
        return clean(f"{_title_case(role)} {name}")
    return clean(name)


def visitor_name(claims: Sequence[Claim]) -> str:
    """The fullest name the claims give the visitor ("Russian President Vladimir Putin")."""
    return max((_display(c) for c in claims), key=lambda s: (len(s), s))


def _visit_place(r: DiplomaticVisit) -> str:
    return place_phrase(r.place) or place_phrase(r.host_country) or "an unnamed country"


def _details(claim: Claim) -> tuple[str, str]:
    r = claim.record
    count = f" {figure_text(claim)}" if claim.figure is not None else ""
    return when_phrase(r.date_text), count


def _visit(fact: Fact, src: Sourcing) -> str:
    claims = sorted(fact.claims, key=lambda c: c.order)
    r = claims[0].record
    assert isinstance(r, DiplomaticVisit)
    by_detail: dict[tuple[str, str], list[Claim]] = {}
    for c in claims:
        by_detail.setdefault(_details(c), []).append(c)
    plain = by_detail.pop(("", ""), [])
    head = f"{visitor_name(claims)} {_VERBS['diplomatic_visit'][r.status]} {_visit_place(r)}"
    visits = [c.record for c in claims if isinstance(c.record, DiplomaticVisit)]
    purpose = next((v.purpose for v in visits if v.purpose), None)
    host = next((v.host for v in visits if v.host), None)
    meet = {"actual": " and met", "planned": " and meet", "possible": " and meet"}
    extra = purpose_phrase(purpose)
    if host and r.status in meet:
        extra += f"{meet[r.status]} {clean(host)}"
    if not by_detail:
        return f"{head}{extra}, according to {src.who(plain)}"
    parts: list[str] = []
    dated = False
    for (date, count), cs in sorted(by_detail.items(), key=lambda item: item[1][0].order):
        detail = f"{count}{date}" if count and date else date or f"{count}{' in all' * dated}"
        dated = dated or bool(date)
        parts.append(f"{detail.strip()}, according to {src.who(cs)}")
    text = f"{head}{extra} {parts[0]}"
    if len(parts) > 1:
        text = f"{text}, and {join_words(parts[1:])}"
    if plain:
        also = "report" if src.plural(plain) else "reports"
        text += f"; {src.who(plain)} also {also} the visit"
    return text


# ---------------------------------------------------------------- the bullet
def key_point(fact: Fact, src: Sourcing) -> str:
    """One Key points bullet: a sentence, its sources in it, ending with a full stop."""
    if fact.kind == "diplomatic_visit":
        text = _visit(fact, src)
    elif fact.is_range:
        text = _range(fact, src)
    else:
        text = _plain(fact, src)
    return f"- {cap(text)}."
