"""The seeds' gold format (``gold/seeds.json``): its models, and reading a gold file.

Takes a gold file's text or path; gives a validated :class:`Gold` (the seeds
format, documented in ``gold/README.md``) or, for a file in the dev-set format
(an object with ``articles``), a :class:`~llmbrief.devgold.DevGold`. A bad file
raises :class:`~llmbrief.errors.InputError` with one line. Scoring is
:mod:`llmbrief.evaluate`'s.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from llmbrief.documents import read_utf8
from llmbrief.errors import InputError
from llmbrief.models import FIGURE_FIELDS, Number, Qualifier, RecordKind
from llmbrief.normalize import fold

if TYPE_CHECKING:
    from llmbrief.devgold import DevGold


def normalize(text: str) -> str:
    """Compare-form of a text: the verifier's normalization, lowercased, trimmed."""
    return fold(text).strip()


class _GoldModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class GoldFigure(_GoldModel):
    """One figure that belongs in a record of one article."""

    file: str = Field(min_length=1)
    kind: RecordKind
    field: str
    text: str = Field(min_length=1, description="Verbatim from the source, hedge included.")
    value: Number | None
    qualifier: Qualifier
    unit: str | None = None
    vague: bool = False
    also: list[str] = Field(
        default_factory=list,
        description="Other verbatim wordings of the same figure in the same file.",
    )
    note: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> GoldFigure:
        fields = FIGURE_FIELDS[self.kind]
        if self.field not in fields:
            raise ValueError(
                f"field {self.field!r} is not a figure of {self.kind} (one of {', '.join(fields)})"
            )
        if self.vague != (self.qualifier == "vague"):
            raise ValueError("'vague' must be true exactly when qualifier is 'vague'")
        if self.value is None and self.qualifier not in ("vague", "range"):
            raise ValueError(f"value is null but qualifier is {self.qualifier!r}")
        if self.value is not None and self.qualifier == "vague":
            raise ValueError("a vague figure has value null")
        return self


class GoldVisit(_GoldModel):
    """One diplomatic visit reported by one article."""

    file: str = Field(min_length=1)
    visitor: str = Field(min_length=1, description="The visitor as named, e.g. 'Sergei Shoigu'.")
    aliases: list[str] = Field(
        default_factory=list, description="Other ways the article names the visitor."
    )
    visitor_country: str | None = None
    host: str | None = None
    host_country: str | None = None
    place: str | None = None
    date_text: str | None = None
    count: str | None = Field(default=None, description="The count's text ('thrice'), or null.")
    note: str | None = None


class GoldExclusion(_GoldModel):
    """A number or near-record deliberately left out of the gold, with the reason."""

    file: str = Field(min_length=1)
    text: str = Field(min_length=1)
    kind: RecordKind | None = None
    reason: str = Field(min_length=1)


class Gold(_GoldModel):
    """A gold set: the files it covers, their figures, visits and exclusions."""

    version: Literal[1]
    description: str | None = None
    files: list[str] = Field(min_length=1)
    figures: list[GoldFigure] = Field(default_factory=list)
    visits: list[GoldVisit] = Field(default_factory=list)
    excluded: list[GoldExclusion] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Gold:
        if len(set(self.files)) != len(self.files):
            raise ValueError("files: a file is listed twice")
        known = set(self.files)
        groups: list[tuple[str, Sequence[GoldFigure | GoldVisit | GoldExclusion]]] = [
            ("figures", self.figures),
            ("visits", self.visits),
            ("excluded", self.excluded),
        ]
        for name, items in groups:
            for i, item in enumerate(items):
                if item.file not in known:
                    raise ValueError(f"{name}[{i}].file {item.file!r} is not in 'files'")
        seen: set[tuple[str, str, str, str]] = set()
        for i, fig in enumerate(self.figures):
            key = (fig.file, fig.kind, fig.field, normalize(fig.text))
            if key in seen:
                raise ValueError(
                    f"figures[{i}]: {fig.text!r} is given twice for {fig.kind}.{fig.field} "
                    f"in {fig.file}"
                )
            seen.add(key)
            if normalize(fig.text) in {normalize(a) for a in fig.also}:
                raise ValueError(f"figures[{i}].also repeats its own text {fig.text!r}")
        for i, visit in enumerate(self.visits):
            if visit.count is not None and not any(
                f.file == visit.file
                and f.kind == "diplomatic_visit"
                and normalize(f.text) == normalize(visit.count)
                for f in self.figures
            ):
                raise ValueError(
                    f"visits[{i}].count {visit.count!r} has no diplomatic_visit figure "
                    f"in {visit.file}"
                )
        return self


def _error_line(name: str, err: ValidationError) -> InputError:
    first = err.errors()[0]
    loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first["loc"]).lstrip(".")
    msg = str(first["msg"]).removeprefix("Value error, ")
    more = f" (and {err.error_count() - 1} more)" if err.error_count() > 1 else ""
    where = f"{loc}: " if loc else ""
    return InputError(f"{name}: bad gold file: {where}{msg}{more}")


def parse_gold(text: str, name: str = "gold") -> Gold:
    """Parse the JSON of a gold file (seeds format). Raises :class:`InputError` with one line."""
    gold = parse_any_gold(text, name)
    if not isinstance(gold, Gold):
        raise InputError(f"{name}: bad gold file: expected the seeds format, got the dev-set one")
    return gold


def parse_any_gold(text: str, name: str = "gold") -> Gold | DevGold:
    """Parse a gold file of either format. Raises :class:`InputError` with one line."""
    from llmbrief.devgold import is_devset, parse_devgold

    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(
            f"{name}: bad gold file: not valid JSON (line {err.lineno}, column {err.colno}: "
            f"{err.msg})"
        ) from None
    if not isinstance(data, dict):
        raise InputError(
            f"{name}: bad gold file: expected a JSON object, got {type(data).__name__}"
        )
    if is_devset(data):
        return parse_devgold(data, name, _error_line)
    try:
        return Gold.model_validate(data)
    except ValidationError as err:
        raise _error_line(name, err) from None


def load_gold(path: Path | str) -> Gold | DevGold:
    """Read and validate a gold file. Raises :class:`InputError` with one clear line."""
    text = read_utf8(
        path,
        missing="no such gold file",
        folder="is a folder, expected a gold file (JSON)",
        not_utf8="bad gold file: not UTF-8 text",
    )
    return parse_any_gold(text, str(path))
