"""The dev-set gold format (``llmbrief eval --gold devset/gold.json``) and how its
attributes are compared.

Takes the dev-set gold (``{"note", "articles": [{id, url, query, topic, figures,
visits, not_records}]}``, documented in ``gold/README.md``); gives the parsed
:class:`DevGold` and the predicates the scorer (:mod:`llmbrief.devscore`) uses to
compare a claimant, a party or a visitor with the gold. Parties are compared with
:func:`llmbrief.gazetteer.same_party`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from llmbrief.errors import InputError
from llmbrief.models import (
    FIGURE_FIELDS,
    Number,
    Qualifier,
    RecordKind,
    Status,
)
from llmbrief.normalize import fold

# ---------------------------------------------------------------------------
# The gold file. Keys the scorer does not use (url, unit, note, item, ...) are
# allowed, so that a gold set of the same kind with more documentation loads.


class _DevModel(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)


class DevFigure(_DevModel):
    """One figure of one article, with the attributes scored on it."""

    text: str = Field(min_length=1)
    kind: RecordKind
    field: str
    value: Number | None = None
    qualifier: Qualifier
    status: Status
    status_alt: list[Status] = Field(default_factory=list)
    claimant: str | None = None
    sender: str | None = None
    receiver: str | None = None
    supplier: str | None = None
    recipient: str | None = None
    force: str | None = None
    alt: list[str] = Field(default_factory=list)
    optional: bool = False

    @model_validator(mode="after")
    def _field_of_kind(self) -> DevFigure:
        fields = FIGURE_FIELDS[self.kind]
        if self.field not in fields:
            raise ValueError(
                f"field {self.field!r} is not a figure of {self.kind} (one of {', '.join(fields)})"
            )
        return self


class DevVisit(_DevModel):
    """One diplomatic visit of one article."""

    visitor: str = Field(min_length=1)
    host_country: str | None = None
    status: Status
    status_alt: list[Status] = Field(default_factory=list)
    optional: bool = False


class NotRecord(_DevModel):
    """A number that must not become a record."""

    text: str = Field(min_length=1)
    why: str | None = None


class DevArticle(_DevModel):
    """One article: its id (the document is ``<id>.txt``) and its gold."""

    id: str = Field(min_length=1)
    figures: list[DevFigure] = Field(default_factory=list)
    visits: list[DevVisit] = Field(default_factory=list)
    not_records: list[NotRecord] = Field(default_factory=list)


class DevGold(_DevModel):
    """A dev-set gold file."""

    note: str | None = None
    articles: list[DevArticle] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> DevGold:
        ids = [a.id for a in self.articles]
        if len(set(ids)) != len(ids):
            raise ValueError("articles: an id is given twice")
        return self


def is_devset(data: Any) -> bool:
    """Whether parsed JSON is in the dev-set format (it has ``articles``)."""
    return isinstance(data, dict) and "articles" in data


def parse_devgold(
    data: dict[str, Any], name: str, error: Callable[[str, ValidationError], InputError]
) -> DevGold:
    """Validate parsed dev-set JSON; ``error`` turns a ValidationError into one line."""
    try:
        return DevGold.model_validate(data)
    except ValidationError as err:
        raise error(name, err) from None


# ---------------------------------------------------------------------------
# Text comparison

_WORD = re.compile(r"[^\W_]+")
# fmt: off
_STOP = frozenset({
    "a", "an", "the", "of", "in", "on", "at", "to", "by", "for", "from", "with", "and", "or",
    "its", "his", "her", "their", "our", "this", "that", "these", "those", "via", "citing",
    "according", "as", "s", "who", "which", "said", "says",
})
# fmt: on


def norm_text(text: str) -> str:
    """Folded (quotes, dashes, case) and stripped, as gold and predictions are compared."""
    return fold(text).strip()


def word_list(text: str) -> list[str]:
    """The words of a text, folded."""
    return _WORD.findall(norm_text(text))


def contains_run(words: Sequence[str], part: Sequence[str]) -> bool:
    """Whether ``part`` stands in ``words`` as a run of consecutive words."""
    n = len(part)
    return n > 0 and any(list(words[i : i + n]) == list(part) for i in range(len(words) - n + 1))


def share_content_word(a: str, b: str) -> bool:
    """Whether two names have a word in common, stop words and case aside."""
    return bool(({*word_list(a)} - _STOP) & ({*word_list(b)} - _STOP))


def claimant_ok(predicted: str | None, gold: str | None) -> bool:
    """Both null, or both name a claimant with a content word in common."""
    if predicted is None or gold is None:
        return predicted is None and gold is None
    return share_content_word(predicted, gold)


def _same_party(a: str, b: str) -> bool:
    from llmbrief.gazetteer import same_party

    return same_party(a, b)


def _gold_options(gold: str) -> list[str]:
    """A gold party and, for "Azerbaijan (Nagorno-Karabakh)", each part of it."""
    outside = re.sub(r"\([^)]*\)", " ", gold).strip()
    inside = [s.strip() for s in re.findall(r"\(([^)]*)\)", gold)]
    return [o for o in dict.fromkeys([gold, outside, *inside]) if o]


def party_ok(predicted: str | None, gold: str | None) -> bool:
    """A null gold side accepts anything; else the prediction names the same party."""
    if gold is None:
        return True
    if predicted is None:
        return False
    return any(_same_party(predicted, g) for g in _gold_options(gold))


def visitor_ok(predicted: str, gold: str) -> bool:
    """The predicted visitor contains the gold visitor's last word ("Jong-un" as two)."""
    last = gold.split()[-1] if gold.split() else gold
    return contains_run(word_list(predicted), word_list(last))
