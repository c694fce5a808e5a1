"""The interchange contract: figures, evidence, records, documents, verification.

These pydantic models are the source of truth for the JSON described in
``shared/design/records.md``. They are strict (unknown fields are rejected,
enums are closed) and their field descriptions are written for the model to
read, because the same schemas are shown to the LLM during extraction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

Qualifier = Literal["exact", "approx", "over", "at_least", "at_most", "under", "range", "vague"]
Status = Literal["actual", "planned", "possible", "denied"]
CheckStatus = Literal[
    "ok",
    "not_in_source",
    "outside_evidence",
    "value_mismatch",
    "qualifier_mismatch",
    "quote_not_found",
    "attribute_not_in_evidence",
]
Personnel = Literal[
    "combat_troops",
    "special_forces",
    "engineers",
    "sappers",
    "construction_workers",
    "laborers",
    "advisers",
    "other",
]
EquipmentCategory = Literal[
    "ammunition",
    "missiles",
    "drones",
    "artillery",
    "vehicles",
    "small_arms",
    "air_defense",
    "technology",
    "other",
]
RecordKind = Literal["deployment", "equipment_transfer", "casualties", "diplomatic_visit"]

Number = int | float


class StrictModel(BaseModel):
    """Base for every contract model: unknown fields are an error, not ignored."""

    model_config = ConfigDict(extra="forbid")


class Figure(StrictModel):
    """A number as the source writes it, with what it means."""

    text: str = Field(
        description=(
            "The figure copied exactly as the source writes it, hedge word included: "
            "'up to 25,000', 'over 6,000', 'Twenty-five thousand', 'thrice'."
        )
    )
    value: Number | None = Field(
        default=None,
        description="The number named in text (25000 for 'up to 25,000'); null for a range.",
    )
    low: Number | None = Field(
        default=None, description="Lower bound implied by text ('over 6,000' -> 6000), else null."
    )
    high: Number | None = Field(
        default=None,
        description="Upper bound implied by text ('up to 25,000' -> 25000), else null.",
    )
    qualifier: Qualifier = Field(
        default="exact",
        description=(
            "The hedge in text: exact (no hedge), approx (about, around, some), over (over, "
            "more than), at_least, at_most (up to, as many as), under (fewer than), range, "
            "vague (hundreds, thousands)."
        ),
    )
    unit: str | None = Field(
        default=None, description="What is counted, in the source's words: 'workers', 'sappers'."
    )


class Evidence(StrictModel):
    """One or more whole sentences copied verbatim from the source."""

    quote: str = Field(
        description="One or more whole sentences copied verbatim from the article, no '...'."
    )
    start: int | None = Field(
        default=None, description="Character offset into the raw source (set by llmbrief)."
    )
    end: int | None = Field(
        default=None, description="End offset into the raw source, exclusive (set by llmbrief)."
    )


class AttributeSpan(StrictModel):
    """The words of the evidence that an attribute's value comes from."""

    field: str = Field(
        description="The attribute the span is for: 'sender', 'host_country', 'claimant'..."
    )
    text: str = Field(
        description=(
            "The words copied exactly as the evidence writes them ('Pyongyang', 'Belarusian', "
            '"South Korea\'s spy agency"); the attribute holds them, or the country they name.'
        )
    )
    start: int | None = Field(
        default=None, description="Character offset into the raw source (set by llmbrief)."
    )
    end: int | None = Field(
        default=None, description="End offset into the raw source, exclusive (set by llmbrief)."
    )


class FigureCheck(StrictModel):
    """Where a figure was found in the source, and whether it passed."""

    field: str
    text: str
    status: CheckStatus
    start: int | None = None
    end: int | None = None


class EvidenceCheck(StrictModel):
    """Where an evidence quote was found in the source, and whether it passed."""

    index: int
    status: CheckStatus
    start: int | None = None
    end: int | None = None


class Problem(StrictModel):
    """One failed check, with a reason written for people and for the model."""

    field: str
    text: str
    status: CheckStatus
    message: str | None = None


class Verification(StrictModel):
    """The verifier's verdict on one record."""

    verified: bool
    figures: list[FigureCheck] = Field(default_factory=list)
    evidence: list[EvidenceCheck] = Field(default_factory=list)
    problems: list[Problem] = Field(default_factory=list)


class _RecordBase(StrictModel):
    kind: RecordKind = Field(description="The record type.")
    claimant: str | None = Field(
        default=None,
        description=(
            "Who asserts it, as the text names them ('South Korea's National Intelligence "
            "Service'); null if unattributed."
        ),
    )
    status: Status = Field(
        description=(
            "actual (reported as done), planned (announced or planned), possible "
            "(speculative or conditional), denied."
        )
    )
    date_text: str | None = Field(
        default=None, description="The date or period as written ('June 17'), else null."
    )
    evidence: list[Evidence] = Field(
        min_length=1, description="The sentences of the article that support the record."
    )
    spans: list[AttributeSpan] = Field(
        default_factory=list,
        description=(
            "For attributes whose value is not written as such in the evidence, the words it "
            "comes from: sender 'North Korea' from the span 'Pyongyang'."
        ),
    )
    verification: Verification | None = None


class Deployment(_RecordBase):
    """People sent from one country to another: troops, engineers, workers."""

    kind: Literal["deployment"] = "deployment"
    sender: str | None = Field(default=None, description="Country that sends them.")
    receiver: str | None = Field(default=None, description="Country that receives them.")
    destination: str | None = Field(
        default=None, description="Place as written ('Kursk Oblast'), else null."
    )
    personnel: Personnel = Field(description="What kind of people are sent.")
    personnel_text: str | None = Field(
        default=None, description="The people as written ('military engineers')."
    )
    count: Figure | None = Field(default=None, description="How many, or null.")
    purpose: str | None = Field(default=None, description="What for, as written, or null.")


class EquipmentTransfer(_RecordBase):
    """Weapons, munitions or technology supplied by one country to another."""

    kind: Literal["equipment_transfer"] = "equipment_transfer"
    supplier: str | None = Field(default=None, description="Country that supplies it.")
    recipient: str | None = Field(default=None, description="Country that receives it.")
    item: str | None = Field(
        default=None,
        description="What is supplied, as written ('artillery shells'); null if not said.",
    )
    category: EquipmentCategory = Field(description="The kind of equipment.")
    quantity: Figure | None = Field(default=None, description="How much, or null.")


class Casualties(_RecordBase):
    """Losses of a force: killed, wounded, captured, missing, or a total."""

    kind: Literal["casualties"] = "casualties"
    force: str | None = Field(
        default=None,
        description="Whose losses, as written ('North Korean troops'); null if not said.",
    )
    killed: Figure | None = Field(default=None, description="Killed, or null.")
    wounded: Figure | None = Field(default=None, description="Wounded, or null.")
    captured: Figure | None = Field(default=None, description="Captured, or null.")
    missing: Figure | None = Field(default=None, description="Missing, or null.")
    total: Figure | None = Field(
        default=None,
        description="'Casualties' or 'killed or wounded' without a split; never killed alone.",
    )
    location: str | None = Field(default=None, description="Where, as written, or null.")


class DiplomaticVisit(_RecordBase):
    """A visit by an official of one country to another."""

    kind: Literal["diplomatic_visit"] = "diplomatic_visit"
    visitor: str = Field(description="The person who visits, as written.")
    visitor_role: str | None = Field(default=None, description="The visitor's office.")
    visitor_country: str | None = Field(default=None, description="The visitor's country.")
    host: str | None = Field(default=None, description="The person who receives them, or null.")
    host_country: str | None = Field(default=None, description="The country visited.")
    place: str | None = Field(default=None, description="The place visited, as written.")
    purpose: str | None = Field(default=None, description="What for, as written, or null.")
    count: Figure | None = Field(default=None, description="How many visits ('thrice'), or null.")


Record = Annotated[
    Union[Deployment, EquipmentTransfer, Casualties, DiplomaticVisit],  # noqa: UP007
    Field(discriminator="kind"),
]

#: The figure-valued fields of each record kind, in display order.
FIGURE_FIELDS: dict[str, tuple[str, ...]] = {
    "deployment": ("count",),
    "equipment_transfer": ("quantity",),
    "casualties": ("killed", "wounded", "captured", "missing", "total"),
    "diplomatic_visit": ("count",),
}


def figures_of(record: Record) -> list[tuple[str, Figure]]:
    """The record's figures that are set, with their field names, in field order."""
    return [
        (name, fig)
        for name in FIGURE_FIELDS[record.kind]
        if isinstance(fig := getattr(record, name), Figure)
    ]


#: The attributes of each record kind that must be grounded in the record's evidence:
#: their words, or a name there that resolves to them ("Pyongyang" -> "North Korea").
GROUNDED_FIELDS: dict[str, tuple[str, ...]] = {
    "deployment": ("sender", "receiver", "destination", "personnel_text", "claimant", "date_text"),
    "equipment_transfer": ("supplier", "recipient", "item", "claimant", "date_text"),
    "casualties": ("force", "location", "claimant", "date_text"),
    "diplomatic_visit": (
        "visitor",
        "visitor_role",
        "host",
        "host_country",
        "place",
        "claimant",
        "date_text",
    ),
}


class Source(StrictModel):
    """The article a document was extracted from."""

    path: str
    sha256: str | None = None
    title: str | None = None


class Usage(StrictModel):
    """What a run cost: calls, re-asks, tokens and seconds."""

    calls: int = 0
    reasks: int = 0
    cached: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0


class PromptRef(StrictModel):
    """A prompt version used in a run."""

    name: str
    version: str
    sha256: str


class Provenance(StrictModel):
    """How a document was made: prompt, model, backend, time."""

    prompt: str | None = None
    prompt_version: str | None = None
    prompt_sha256: str | None = None
    model: str | None = None
    backend: str | None = None
    created_at: datetime | None = None
    prompts: list[PromptRef] | None = None
    analysis: str | None = Field(
        default=None,
        description="The spaCy pipeline that parsed the article, as name@version.",
    )
    usage: Usage | None = None


class Document(StrictModel):
    """The records extracted from one article, with where they came from."""

    source: Source
    provenance: Provenance | None = None
    records: list[Record] = Field(default_factory=list)


DocumentList = TypeAdapter(list[Document])


def dump_document(doc: Document) -> dict[str, Any]:
    """Serialize a document to the JSON of records.md (nulls kept, as the contract shows)."""
    return doc.model_dump(mode="json")


def document_json_schema() -> dict[str, Any]:
    """The JSON Schema of a document, as ``llmbrief schema`` prints it."""
    return Document.model_json_schema()
