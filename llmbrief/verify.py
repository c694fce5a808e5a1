"""The verifier: no number reaches the brief unless the cited sentence says it.

Pure functions over the pydantic models of :mod:`llmbrief.models`; no I/O.
The rules are those of ``shared/design/verification.md``:

1. ``quote_not_found``: each evidence quote is a contiguous span of the
   normalized source (whitespace, curly quotes and dashes normalized, case
   ignored, leading/trailing spaces and sentence punctuation trimmed), made
   of whole words, with no elision ("...", "…") unless the source itself has
   it there.
2. ``not_in_source``: a figure's ``text`` occurs in the source as whole
   tokens, and the number in it lines up with a whole number expression of
   the source ("5,000" is not in "25,000", "two" is not in "network",
   "10,000" is not in "10,000-12,000").
3. ``outside_evidence``: that occurrence lies inside one of the record's own
   quotes that were found.
4. ``value_mismatch``: reading ``text`` gives ``value``; ``low`` and
   ``high``, where the record gives them, equal the bounds the text implies.
5. ``qualifier_mismatch``: where the source puts a hedge right before the
   number ("up to 25,000"), the figure text keeps it; and ``qualifier``
   matches the hedge in ``text`` (no hedge: ``exact``).
6. ``not_in_source``: every number written in any other string field of the
   record (``purpose``, ``date_text``, a figure's ``unit``...) occurs inside
   the record's evidence quotes.
7. ``attribute_not_in_evidence``: every grounded attribute of the record
   (:data:`~llmbrief.models.GROUNDED_FIELDS`: sender, claimant, place...) that
   is not null is grounded in the evidence quotes. With a span in
   ``record.spans``, the span's text occurs there as whole words and the value
   is that text or the country it names (``gazetteer.country_of``); without
   one, the value's own words occur there, or a place named there resolves to
   it (``gazetteer.find_places``: "Pyongyang" grounds "North Korea"). The
   gazetteer is imported only when the plain comparison fails. Spans found
   get their raw ``start``/``end``.

Offsets are always recomputed from the source (never taken from the model)
and always reported as offsets into the raw source text.
"""

from __future__ import annotations

from typing import TypeVar

from llmbrief.models import (
    FIGURE_FIELDS,
    Document,
    Evidence,
    EvidenceCheck,
    Figure,
    FigureCheck,
    Problem,
    Verification,
)
from llmbrief.normalize import NormalizedText, normalize
from llmbrief.verify_attributes import AnyRecord, check_attributes
from llmbrief.verify_figures import check_figure
from llmbrief.verify_quotes import check_quote
from llmbrief.verify_strays import check_strays, text_fields
from llmbrief.verify_text import with_changes

__all__ = [
    "RecordVerificationError",
    "check_record_or_raise",
    "problems_for_model",
    "verify_document",
    "verify_record",
]

R = TypeVar("R", bound=AnyRecord)


class RecordVerificationError(ValueError):
    """A record failed verification; ``str(err)`` is the re-ask message for the model.

    A ``ValueError``, so that raising it inside a pydantic validator turns into
    a validation error that instructor sends back to the model.
    """

    def __init__(self, record: object, verification: Verification) -> None:
        super().__init__(problems_for_model(verification))
        self.record = record
        self.verification = verification


def verify_record(record: R, source: str | NormalizedText) -> R:
    """A copy of ``record`` with ``verification`` filled and evidence offsets recomputed.

    ``source`` is the raw article text (or its :func:`~llmbrief.normalize.normalize`
    result, to share the work between records). Evidence ``start``/``end``
    become raw offsets of the quote in the source, or ``None`` when it is not
    found. Nothing else in the record is changed.
    """
    nt = normalize(source)
    quote_results = [check_quote(nt, i, ev.quote) for i, ev in enumerate(record.evidence)]
    quotes = [(q.start, q.end) for q in quote_results if q.start is not None and q.end is not None]

    evidence: list[Evidence] = []
    evidence_checks: list[EvidenceCheck] = []
    problems: list[Problem] = []
    for i, (ev, q) in enumerate(zip(record.evidence, quote_results, strict=True)):
        start = end = None
        if q.start is not None and q.end is not None:
            start, end = nt.raw_span(q.start, q.end)
        evidence.append(with_changes(ev, start=start, end=end))
        evidence_checks.append(EvidenceCheck(index=i, status=q.status, start=start, end=end))
        if q.status != "ok":
            problems.append(
                Problem(field=f"evidence[{i}]", text=ev.quote, status=q.status, message=q.message)
            )

    update: dict[str, object] = {"evidence": evidence}
    figure_checks: list[FigureCheck] = []
    for name in FIGURE_FIELDS[record.kind]:
        fig = getattr(record, name)
        if not isinstance(fig, Figure):
            continue
        update[name] = with_changes(fig)
        check, problem = check_figure(nt, name, fig, quotes)
        figure_checks.append(check)
        if problem is not None:
            problems.append(problem)
    for name, value in text_fields(record):
        problems.extend(check_strays(nt, name, value, quotes))
    if all(q.status == "ok" for q in quote_results):
        # (with a quote not found, the re-ask is about the quote first)
        flagged = {p.field for p in problems}
        update["spans"], attribute_problems = check_attributes(record, nt, quotes, flagged)
        problems.extend(attribute_problems)
    else:
        update["spans"] = [with_changes(s, start=None, end=None) for s in record.spans]

    update["verification"] = Verification(
        verified=not problems,
        figures=figure_checks,
        evidence=evidence_checks,
        problems=problems,
    )
    return with_changes(record, **update)


def verify_document(doc: Document, source: str | NormalizedText) -> Document:
    """A copy of ``doc`` with every record verified against ``source`` (normalized once)."""
    nt = normalize(source)
    return with_changes(doc, records=[verify_record(r, nt) for r in doc.records])


def problems_for_model(verification: Verification) -> str:
    """The re-ask message: one line per problem, saying what is wrong and what to copy."""
    lines: list[str] = []
    for p in verification.problems:
        line = p.message or f'{p.field} "{p.text}": {p.status.replace("_", " ")}'
        lines.append(" ".join(line.split()))  # one line each, whatever the model wrote
    return "\n".join(lines)


def check_record_or_raise(record: R, source: str | NormalizedText) -> R:
    """Verify ``record``; return the verified copy, or raise :class:`RecordVerificationError`.

    Meant for a pydantic ``model_validator`` during extraction: the error is a
    ``ValueError`` whose text is :func:`problems_for_model`, so instructor's
    re-ask shows the model exactly what to fix.
    """
    checked = verify_record(record, source)
    verification = checked.verification
    if verification is not None and not verification.verified:
        raise RecordVerificationError(checked, verification)
    return checked
