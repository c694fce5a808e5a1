"""The questions asked of the model, and the answer schemas its grammar allows.

Takes a :class:`~llmbrief.reading.NumberReading` or a
:class:`~llmbrief.visits.VisitReading`; gives the prompt's values (every
choice rendered into the text as the grammar allows it) and a pydantic answer
model whose fields are enums of those choices, best first, ``none`` always
offered for a party. An answer model depends on its choices only, so questions
with the same choices share one (made once per process). While a question is
asked inside :func:`verifying`, the number answer model runs the verifier on
the record the answer describes, inside its validator, so a failure is re-asked.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

from llmbrief.attach import Phrase
from llmbrief.models import Record
from llmbrief.reading import NumberReading
from llmbrief.visits import VisitReading

NONE = "none"


class Answer(BaseModel):
    """Base of every answer schema: no field beyond the question's."""

    model_config = ConfigDict(extra="forbid")


def _offerable(text: str) -> bool:
    """A choice the answer can hold: words on one line (a line break inside a JSON string
    is no valid JSON, and no name runs across lines)."""
    return bool(text) and "\n" not in text and "\r" not in text


def party_choices(phrases: Sequence[Phrase], strong: int = 0, limit: int = 3) -> list[str]:
    """The parties offered, as the source writes them ("U.S.", "Kyiv": a small model
    copies what it reads far better than it maps a name to its country), best first,
    then ``none``; the record names each by its country (see assemble).

    When the parse ties ``strong`` candidates to the number itself, only those are
    offered: the other places of the sentence only distract a small model."""
    out: list[str] = []
    parties: set[str] = set()
    for ph in phrases[:strong] if strong else phrases:
        name = ph.text
        if _offerable(name) and name not in out and name != NONE and ph.party not in parties:
            out.append(name)
            parties.add(ph.party)
        if len(out) == limit:
            break
    return [*out, NONE]


def claimant_choices(phrases: Sequence[Phrase], limit: int = 3) -> list[str]:
    """The claimants offered, as written, best first, then ``none``."""
    out: list[str] = []
    for ph in phrases:
        if _offerable(ph.text) and ph.text not in out and ph.text != NONE:
            out.append(ph.text)
        if len(out) == limit:
            break
    return [*out, NONE]


def number_values(text: str, r: NumberReading, words: int = 8) -> dict[str, str]:
    """The values of an ``extract@v4``/``v5`` prompt for one number; every choice is shown.

    The text is a verbatim slice of the source, ``words`` words either side of the
    number (0: the whole sentence)."""
    a = r.attachment
    return {
        "text": r.shown(text, words),
        "figure": r.figure.text,
        "counts": a.counted.text if a.counted else "?",
        "what_choices": ", ".join(a.meanings),
        "status_choices": ", ".join(a.statuses),
        "from_choices": ", ".join(party_choices(a.senders, a.strong[0])),
        "to_choices": ", ".join(party_choices(a.receivers, a.strong[1])),
        "by_choices": ", ".join(claimant_choices(a.claimants)),
    }


def _enum(values: Sequence[str], description: str) -> tuple[Any, Any]:
    return (Literal[tuple(values)], Field(description=description))


#: Builds and verifies the record an answer describes (None: the answer says "other").
Check = Callable[[dict[str, Any]], Record | None]
#: Every answer validated and its record, in order.
Kept = list[tuple[dict[str, Any], Record | None]]

_verifying: ContextVar[tuple[Check, Kept] | None] = ContextVar("verifying", default=None)

#: Answer models kept (one per distinct set of choices; a run asks far fewer).
_MODELS = 512


@contextmanager
def verifying(check: Check, keep: Kept) -> Iterator[None]:
    """Meanwhile (in this thread), number answers validated are checked by ``check``.

    ``check`` builds and verifies the record an answer describes and returns it
    (None for "other"); a record that fails verification fails validation with
    the verifier's reasons, which instructor sends back to the model. Every
    answer and its record are appended to ``keep``.
    """
    token = _verifying.set((check, keep))
    try:
        yield
    finally:
        _verifying.reset(token)


class NumberAnswer(Answer):
    """Base of the number answer schemas: verifies its record inside :func:`verifying`."""

    @model_validator(mode="after")
    def _verify(self) -> Self:
        hook = _verifying.get()
        if hook is None:
            return self
        check, keep = hook
        answer = self.model_dump()
        record = check(answer)
        keep.append((answer, record))
        v = record.verification if record is not None else None
        if v is not None and not v.verified:
            from llmbrief.verify import problems_for_model

            raise ValueError(problems_for_model(v))
        return self


def number_answer_model(r: NumberReading) -> type[Answer]:
    """The answer schema for one number."""
    a = r.attachment
    return _number_model(
        r.figure.text,
        tuple(a.meanings),
        tuple(a.statuses),
        tuple(party_choices(a.senders, a.strong[0])),
        tuple(party_choices(a.receivers, a.strong[1])),
        tuple(claimant_choices(a.claimants)),
    )


@functools.lru_cache(maxsize=_MODELS)
def _number_model(
    figure: str,
    what: tuple[str, ...],
    status: tuple[str, ...],
    sender: tuple[str, ...],
    receiver: tuple[str, ...],
    claimant: tuple[str, ...],
) -> type[Answer]:
    fields: dict[str, Any] = {
        # the figure as found, forced: copying it first keeps the small model on the number
        "figure": _enum((figure,), "The number as the source writes it."),
        "what": _enum(what, "What the number counts."),
        "status": _enum(status, "Whether it happened."),
        "sender": _enum(sender, "Who sends or supplies it."),
        "receiver": _enum(receiver, "Who receives it."),
        "claimant": _enum(claimant, "Who says so."),
    }
    model: type[Answer] = create_model("NumberAnswer", __base__=NumberAnswer, **fields)
    return model


def visitor_choices(v: VisitReading) -> list[str]:
    """The visitors offered, as written, best first."""
    out: list[str] = []
    for ph in v.visitors:
        if _offerable(ph.text) and ph.text not in out:
            out.append(ph.text)
    return out


def visit_values(text: str, v: VisitReading) -> dict[str, str]:
    """The values of a ``visit@v3`` prompt for one possible visit."""
    a, b = v.sentence
    return {
        "sentence": text[a:b],
        "destination": v.destination.text,
        "visitor_choices": ", ".join(visitor_choices(v)),
        "status_choices": ", ".join(v.statuses),
    }


def visit_answer_model(v: VisitReading) -> type[Answer]:
    """The answer schema for one possible visit."""
    return _visit_model(tuple(visitor_choices(v)), tuple(v.statuses))


@functools.lru_cache(maxsize=_MODELS)
def _visit_model(visitor: tuple[str, ...], status: tuple[str, ...]) -> type[Answer]:
    fields: dict[str, Any] = {
        "visit": _enum(("yes", "no"), "Does the sentence tell this visit?"),
        "visitor": _enum(visitor, "Who travels."),
        "status": _enum(status, "Whether it happened."),
    }
    model: type[Answer] = create_model("VisitAnswer", __base__=Answer, **fields)
    return model
