"""The records contract: strict schemas, closed enums, exact JSON round trips.

The examples in ``fixtures/records_examples`` are written by hand from the
seed articles (quotes copied verbatim, offsets into the seed text). Files named
``full_*`` spell out every field, nulls included, so that load → dump gives
back exactly the input (plus ``"spans": []`` on records that leave their
grounded-attribute spans out, and ``"analysis": null`` in a provenance written
before the parse-based extraction, as hand-written files may); the others
leave out what records.md allows.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from llmbrief.documents import documents_to_json, parse_documents
from llmbrief.errors import InputError
from llmbrief.models import (
    FIGURE_FIELDS,
    GROUNDED_FIELDS,
    AttributeSpan,
    Casualties,
    Deployment,
    DiplomaticVisit,
    Document,
    DocumentList,
    EquipmentTransfer,
    Evidence,
    Figure,
    Verification,
    document_json_schema,
    dump_document,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = Path(__file__).resolve().parent / "fixtures" / "records_examples"
FULL_JSON = sorted(EXAMPLES.glob("full_*.json"))
FULL_JSONL = sorted(EXAMPLES.glob("full_*.jsonl"))
ALL_EXAMPLES = sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".json", ".jsonl"))

KINDS: dict[str, type[BaseModel]] = {
    "deployment": Deployment,
    "equipment_transfer": EquipmentTransfer,
    "casualties": Casualties,
    "diplomatic_visit": DiplomaticVisit,
}

#: The fields records.md names for each kind (common fields, then kind-specific).
COMMON = {"kind", "claimant", "status", "date_text", "evidence", "spans", "verification"}
CONTRACT_FIELDS = {
    "deployment": COMMON
    | {"sender", "receiver", "destination", "personnel", "personnel_text", "count", "purpose"},
    "equipment_transfer": COMMON | {"supplier", "recipient", "item", "category", "quantity"},
    "casualties": COMMON
    | {"force", "killed", "wounded", "captured", "missing", "total", "location"},
    "diplomatic_visit": COMMON
    | {
        "visitor",
        "visitor_role",
        "visitor_country",
        "host",
        "host_country",
        "place",
        "purpose",
        "count",
    },
}


def _load(path: Path) -> list[dict[str, Any]]:
    """The example's documents as plain JSON (a file may hold one, a list, or JSONL)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    data = json.loads(text)
    return data if isinstance(data, list) else [data]


def _with_spans(data: Any) -> Any:
    """``data`` as the models dump it: records that leave out ``spans`` get ``[]``, and a
    provenance that leaves out ``analysis`` (written before the parse) gets ``None``."""
    data = copy.deepcopy(data)
    for doc in data if isinstance(data, list) else [data]:
        for rec in doc["records"]:
            rec.setdefault("spans", [])
        if isinstance(doc.get("provenance"), dict):
            doc["provenance"].setdefault("analysis", None)
    return data


def _seed_text(source_path: str) -> str:
    return (ROOT / source_path).read_text(encoding="utf-8")


def _full_record(kind: str) -> dict[str, Any]:
    for path in FULL_JSON:
        for doc in _load(path):
            for rec in doc["records"]:
                if rec["kind"] == kind:
                    return copy.deepcopy(rec)
    raise AssertionError(f"no full example of {kind}")


def _full_document() -> dict[str, Any]:
    return _load(EXAMPLES / "full_deployment.json")[0]


# --- the examples themselves ------------------------------------------------------


def test_examples_cover_every_kind() -> None:
    kinds = {rec["kind"] for path in FULL_JSON for doc in _load(path) for rec in doc["records"]}
    assert kinds == set(KINDS)
    for kind in KINDS:
        assert (EXAMPLES / f"full_{kind}.json").is_file()


@pytest.mark.parametrize("path", ALL_EXAMPLES, ids=lambda p: p.name)
def test_examples_quote_the_seeds_verbatim(path: Path) -> None:
    """Hand-written examples are true to the seeds: quotes, offsets, figure texts."""
    for doc in _load(path):
        text = _seed_text(doc["source"]["path"])
        for rec in doc["records"]:
            for ev in rec["evidence"]:
                assert ev["quote"] in text
                if "start" in ev:
                    assert text.startswith(ev["quote"], ev["start"])
                if "end" in ev:
                    assert text[ev["start"] : ev["end"]] == ev["quote"]
            quotes = " ".join(ev["quote"] for ev in rec["evidence"])
            for name in FIGURE_FIELDS[rec["kind"]]:
                if rec.get(name) is not None:
                    assert rec[name]["text"] in quotes
            for check in (rec.get("verification") or {}).get("figures", []):
                assert text[check["start"] : check["end"]] == check["text"]


# --- round trips -------------------------------------------------------------------


@pytest.mark.parametrize("path", FULL_JSON, ids=lambda p: p.name)
def test_full_example_round_trips_through_the_models(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, list):
        docs = DocumentList.validate_python(data)
        assert [dump_document(d) for d in docs] == _with_spans(data)
    else:
        assert dump_document(Document.model_validate(data)) == _with_spans(data)
        # and through the JSON text, as the CLI reads it
        assert dump_document(Document.model_validate_json(path.read_text())) == _with_spans(data)


@pytest.mark.parametrize("path", FULL_JSON, ids=lambda p: p.name)
def test_full_example_round_trips_through_documents(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    docs = parse_documents(text, path.name)
    assert json.loads(documents_to_json(docs)) == _with_spans(_load(path))


@pytest.mark.parametrize("path", FULL_JSONL, ids=lambda p: p.name)
def test_full_jsonl_round_trips(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    docs = parse_documents(text, path.name)
    assert len(docs) == len(text.splitlines()) > 1
    out = documents_to_json(docs, jsonl=True)
    assert out.endswith("\n")
    assert [json.loads(line) for line in out.splitlines()] == _with_spans(_load(path))
    # one document per line, and the same text as written (once it has its spans)
    again = documents_to_json(parse_documents(out, path.name), jsonl=True)
    assert again == out


def test_a_single_document_and_a_list_give_the_same_documents() -> None:
    text = (EXAMPLES / "full_deployment.json").read_text(encoding="utf-8")
    one = parse_documents(text, "one.json")
    listed = parse_documents(f"[{text}]", "list.json")
    jsonl = parse_documents(json.dumps(json.loads(text)) + "\n", "one.jsonl")
    assert one == listed == jsonl
    assert len(one) == 1


def test_every_record_kind_parses_to_its_class() -> None:
    for kind, cls in KINDS.items():
        doc = Document.model_validate(
            {"source": {"path": "x.txt"}, "records": [_full_record(kind)]}
        )
        assert type(doc.records[0]) is cls
        assert doc.records[0].kind == kind


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_models_have_exactly_the_fields_of_records_md(kind: str) -> None:
    assert set(KINDS[kind].model_fields) == CONTRACT_FIELDS[kind]
    assert set(_full_record(kind)) | {"spans"} == CONTRACT_FIELDS[kind]


def test_figure_example_of_records_md() -> None:
    fig = {
        "text": "up to 25,000",
        "value": 25000,
        "low": None,
        "high": 25000,
        "qualifier": "at_most",
        "unit": "workers",
    }
    assert Figure.model_validate(fig).model_dump(mode="json") == fig
    ev = {"quote": "Some sentence.", "start": 1234, "end": 1399}
    assert Evidence.model_validate(ev).model_dump(mode="json") == ev


def test_verification_example_of_records_md() -> None:
    v = {
        "verified": False,
        "figures": [
            {"field": "count", "text": "up to 25,000", "status": "ok", "start": 120, "end": 132}
        ],
        "evidence": [{"index": 0, "status": "ok", "start": 98, "end": 260}],
        "problems": [{"field": "purpose", "text": "30,000", "status": "not_in_source"}],
    }
    out = Verification.model_validate(v).model_dump(mode="json")
    assert out["problems"][0].pop("message") is None  # an added field, null when not given
    assert out == v


def test_created_at_keeps_its_utc_spelling() -> None:
    doc = Document.model_validate(_full_document())
    assert doc.provenance is not None and doc.provenance.created_at is not None
    assert doc.provenance.created_at.utcoffset() is not None
    assert dump_document(doc)["provenance"]["created_at"] == "2026-11-21T10:00:00Z"


# --- what hand-written files may leave out -----------------------------------------


def test_minimal_document_loads_with_defaults() -> None:
    text = (EXAMPLES / "minimal.json").read_text(encoding="utf-8")
    raw = json.loads(text)
    assert "provenance" not in raw
    (doc,) = parse_documents(text, "minimal.json")
    assert doc.provenance is None
    assert doc.source.sha256 is None and doc.source.title is None
    assert [r.kind for r in doc.records] == [
        "deployment",
        "casualties",
        "diplomatic_visit",
        "equipment_transfer",
    ]
    for rec in doc.records:
        assert rec.verification is None
        assert rec.claimant is None and rec.date_text is None
        for ev in rec.evidence:
            assert ev.start is None and ev.end is None
    dep = doc.records[0]
    assert isinstance(dep, Deployment)
    assert dep.count is not None and dep.count.low is None and dep.count.unit is None
    assert dep.sender is None and dep.purpose is None
    visit = doc.records[2]
    assert isinstance(visit, DiplomaticVisit) and visit.count is None and visit.host is None
    # dumping fills in the nulls that the file left out
    dumped = dump_document(doc)
    assert dumped["provenance"] is None
    assert dumped["records"][0]["verification"] is None
    assert dumped["records"][0]["evidence"][0] == {
        "quote": raw["records"][0]["evidence"][0]["quote"],
        "start": None,
        "end": None,
    }


def test_figure_with_only_its_text_loads() -> None:
    fig = Figure.model_validate({"text": "thrice"})
    assert fig.model_dump() == {
        "text": "thrice",
        "value": None,
        "low": None,
        "high": None,
        "qualifier": "exact",
        "unit": None,
    }


def test_partial_provenance_and_partial_offsets_load() -> None:
    docs = parse_documents(
        (EXAMPLES / "partial_provenance.json").read_text(encoding="utf-8"), "p.json"
    )
    assert len(docs) == 2
    first, second = docs
    assert first.provenance is not None
    assert first.provenance.model == "gpt-4o-mini" and first.provenance.backend == "openai"
    assert first.provenance.prompt is None and first.provenance.created_at is None
    assert first.source.title is not None and first.source.sha256 is None
    ev = first.records[0].evidence[0]
    assert ev.start == 333 and ev.end is None
    assert second.provenance is not None and second.provenance.model is None
    assert second.records == []


def test_minimal_jsonl_with_blank_lines_loads() -> None:
    docs = parse_documents((EXAMPLES / "minimal.jsonl").read_text(encoding="utf-8"), "m.jsonl")
    assert [d.source.path for d in docs] == [
        "seeds/000_7e81adea1b9a7044.txt",
        "seeds/002_e8782edaaa53b61e.txt",
    ]
    cas = docs[1].records[0]
    assert isinstance(cas, Casualties)
    assert cas.killed is not None and cas.killed.qualifier == "approx" and cas.total is None


def test_records_without_nulls_load() -> None:
    """A record that leaves out every null field loads, and dumps those nulls back."""
    rec = _full_record("casualties")
    rec.pop("verification")
    slim = {k: v for k, v in rec.items() if v is not None}
    slim["evidence"] = [{"quote": e["quote"]} for e in rec["evidence"]]
    slim["total"] = {k: v for k, v in rec["total"].items() if v is not None}
    doc = Document.model_validate({"source": {"path": "seeds/x.txt"}, "records": [slim]})
    out = dump_document(doc)["records"][0]
    assert out["killed"] is None and out["location"] is None and out["verification"] is None
    assert out["total"] == rec["total"]


def test_the_seed_fixture_loads() -> None:
    """The hand-written records of the seeds (used by other tests) obey the contract."""
    path = Path(__file__).resolve().parent / "fixtures" / "records_seeds.json"
    docs = parse_documents(path.read_text(encoding="utf-8"), path.name)
    assert len(docs) == 5
    assert {r.kind for d in docs for r in d.records} == set(KINDS)


# --- strictness ---------------------------------------------------------------------

EXTRA_AT = {
    "document": lambda d: d,
    "source": lambda d: d["source"],
    "provenance": lambda d: d["provenance"],
    "usage": lambda d: d["provenance"]["usage"],
    "record": lambda d: d["records"][0],
    "figure": lambda d: d["records"][0]["count"],
    "evidence": lambda d: d["records"][0]["evidence"][0],
    "verification": lambda d: d["records"][0]["verification"],
    "figure check": lambda d: d["records"][0]["verification"]["figures"][0],
}


@pytest.mark.parametrize("level", sorted(EXTRA_AT))
def test_unknown_fields_are_rejected(level: str) -> None:
    doc = _full_document()
    EXTRA_AT[level](doc)["surprise"] = 1
    with pytest.raises(ValidationError) as info:
        Document.model_validate(doc)
    errors = info.value.errors()
    assert [e["type"] for e in errors] == ["extra_forbidden"]
    assert errors[0]["loc"][-1] == "surprise"


def test_unknown_field_error_names_its_place() -> None:
    doc = _full_document()
    doc["records"][0]["count"]["approx"] = True
    with pytest.raises(InputError) as info:
        parse_documents(json.dumps(doc), "r.json")
    assert str(info.value) == (
        "r.json: document.records[0].count.approx: Extra inputs are not permitted"
    )


def test_a_field_of_another_kind_is_rejected() -> None:
    rec = _full_record("deployment")
    rec["killed"] = None  # a casualties field, even when null
    with pytest.raises(ValidationError) as info:
        Document.model_validate({"source": {"path": "x"}, "records": [rec]})
    assert info.value.errors()[0]["type"] == "extra_forbidden"


BAD_ENUMS = [
    ("deployment", ("kind",), "troop_movement", "union_tag_invalid"),
    ("deployment", ("status",), "rumoured", "literal_error"),
    ("deployment", ("personnel",), "soldiers", "literal_error"),
    ("deployment", ("count", "qualifier"), "up_to", "literal_error"),
    ("equipment_transfer", ("category",), "shells", "literal_error"),
    ("equipment_transfer", ("quantity", "qualifier"), "more_than", "literal_error"),
    ("casualties", ("status",), "Actual", "literal_error"),
    ("diplomatic_visit", ("count", "qualifier"), "thrice", "literal_error"),
    ("deployment", ("verification", "figures", 0, "status"), "fine", "literal_error"),
]


@pytest.mark.parametrize(("kind", "path", "value", "error"), BAD_ENUMS)
def test_enums_are_closed(kind: str, path: tuple[Any, ...], value: str, error: str) -> None:
    rec = _full_record(kind)
    target: Any = rec
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(ValidationError) as info:
        Document.model_validate({"source": {"path": "x"}, "records": [rec]})
    assert info.value.errors()[0]["type"] == error


def test_kind_is_required_for_a_record() -> None:
    rec = _full_record("casualties")
    del rec["kind"]
    with pytest.raises(ValidationError) as info:
        Document.model_validate({"source": {"path": "x"}, "records": [rec]})
    assert info.value.errors()[0]["type"] == "union_tag_not_found"


def test_discriminator_decides_which_fields_are_required() -> None:
    rec = _full_record("casualties")
    rec["kind"] = "deployment"  # casualties fields are unknown to a deployment
    with pytest.raises(ValidationError) as info:
        Document.model_validate({"source": {"path": "x"}, "records": [rec]})
    types = {e["type"] for e in info.value.errors()}
    assert types == {"extra_forbidden", "missing"}
    missing = [e["loc"][-1] for e in info.value.errors() if e["type"] == "missing"]
    assert missing == ["personnel"]


def test_evidence_needs_at_least_one_quote() -> None:
    rec = _full_record("diplomatic_visit")
    rec["evidence"] = []
    with pytest.raises(ValidationError) as info:
        Document.model_validate({"source": {"path": "x"}, "records": [rec]})
    assert info.value.errors()[0]["type"] == "too_short"


def test_source_path_is_required() -> None:
    with pytest.raises(ValidationError):
        Document.model_validate({"source": {"title": "t"}, "records": []})


# --- the JSON Schema -------------------------------------------------------------------


def test_json_schema_has_the_four_kinds_under_the_discriminator() -> None:
    schema = document_json_schema()
    items = schema["properties"]["records"]["items"]
    assert items["discriminator"]["propertyName"] == "kind"
    mapping = items["discriminator"]["mapping"]
    assert set(mapping) == set(KINDS)
    assert len(items["oneOf"]) == 4
    for kind, ref in mapping.items():
        name = ref.rsplit("/", 1)[-1]
        assert schema["$defs"][name]["properties"]["kind"]["const"] == kind


def test_json_schema_is_strict_everywhere() -> None:
    schema = document_json_schema()
    assert schema["additionalProperties"] is False
    for name, sub in schema["$defs"].items():
        assert sub.get("additionalProperties") is False, name


def test_json_schema_enums_are_the_contracts() -> None:
    defs = document_json_schema()["$defs"]
    assert set(defs["Figure"]["properties"]["qualifier"]["enum"]) == {
        "exact",
        "approx",
        "over",
        "at_least",
        "at_most",
        "under",
        "range",
        "vague",
    }
    assert set(defs["Deployment"]["properties"]["status"]["enum"]) == {
        "actual",
        "planned",
        "possible",
        "denied",
    }
    assert len(defs["Deployment"]["properties"]["personnel"]["enum"]) == 8
    assert len(defs["EquipmentTransfer"]["properties"]["category"]["enum"]) == 9
    assert json.loads(json.dumps(document_json_schema())) == document_json_schema()


# --- grounded attributes: spans ----------------------------------------------------------


def test_spans_default_to_empty_and_are_dumped() -> None:
    rec = _full_record("deployment")
    rec.pop("spans", None)
    doc = Document.model_validate({"source": {"path": "x.txt"}, "records": [rec]})
    assert doc.records[0].spans == []
    assert dump_document(doc)["records"][0]["spans"] == []


def test_spans_round_trip_with_and_without_offsets() -> None:
    rec = _full_record("deployment")
    rec["spans"] = [
        {"field": "sender", "text": "Pyongyang", "start": 120, "end": 129},
        {"field": "receiver", "text": "Russia's", "start": None, "end": None},
    ]
    doc = {"source": {"path": "x.txt"}, "records": [rec]}
    assert dump_document(Document.model_validate(doc))["records"] == [rec]
    given = {"field": "claimant", "text": "the NIS"}  # as a model writes it
    span = AttributeSpan.model_validate(given)
    assert span.model_dump() == {**given, "start": None, "end": None}


@pytest.mark.parametrize(
    ("span", "error"),
    [
        ({"field": "sender", "text": "Pyongyang", "country": "North Korea"}, "extra_forbidden"),
        ({"field": "sender"}, "missing"),
        ({"text": "Pyongyang"}, "missing"),
        ({"field": "sender", "text": "Pyongyang", "start": "first"}, "int_parsing"),
    ],
)
def test_spans_are_strict(span: dict[str, Any], error: str) -> None:
    rec = _full_record("casualties")
    rec["spans"] = [span]
    with pytest.raises(ValidationError) as info:
        Document.model_validate({"source": {"path": "x"}, "records": [rec]})
    assert [e["type"] for e in info.value.errors()] == [error]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_grounded_fields_are_string_fields_of_each_kind(kind: str) -> None:
    fields = KINDS[kind].model_fields
    assert set(GROUNDED_FIELDS[kind]) <= set(fields)
    for name in GROUNDED_FIELDS[kind]:
        assert "str" in str(fields[name].annotation), name
    assert "visitor_country" not in GROUNDED_FIELDS[kind]  # the contract's list


def test_json_schema_shows_spans_and_the_new_status() -> None:
    schema = document_json_schema()
    defs = schema["$defs"]
    span = defs["AttributeSpan"]
    assert set(span["properties"]) == {"field", "text", "start", "end"}
    assert set(span["required"]) == {"field", "text"}
    assert span["additionalProperties"] is False
    for name in ("Deployment", "EquipmentTransfer", "Casualties", "DiplomaticVisit"):
        spans = defs[name]["properties"]["spans"]
        assert spans["items"] == {"$ref": "#/$defs/AttributeSpan"}
        assert "spans" not in defs[name].get("required", [])
    statuses = defs["Problem"]["properties"]["status"]["enum"]
    assert "attribute_not_in_evidence" in statuses


# --- what the parse-based extraction added --------------------------------------------


def test_provenance_names_the_analysis_and_round_trips_it() -> None:
    doc = _full_document()
    doc["provenance"]["analysis"] = "en_core_web_sm@3.8.0"
    loaded = Document.model_validate(doc)
    assert loaded.provenance is not None
    assert loaded.provenance.analysis == "en_core_web_sm@3.8.0"
    assert dump_document(loaded) == _with_spans(doc)
    doc["provenance"]["analysis"] = 3
    with pytest.raises(ValidationError) as info:
        Document.model_validate(doc)
    assert [e["loc"][-1] for e in info.value.errors()] == ["analysis"]


def test_casualties_force_may_be_unsaid() -> None:
    """Whose losses is often not said in the number's own clause: force is null then."""
    rec = _full_record("casualties")
    assert rec["force"] is not None
    rec["force"] = None
    doc = Document.model_validate({"source": {"path": "x.txt"}, "records": [rec]})
    cas = doc.records[0]
    assert isinstance(cas, Casualties) and cas.force is None
    assert dump_document(doc)["records"][0]["force"] is None
    del rec["force"]
    cas = Document.model_validate({"source": {"path": "x.txt"}, "records": [rec]}).records[0]
    assert isinstance(cas, Casualties) and cas.force is None
    casualties = document_json_schema()["$defs"]["Casualties"]
    assert "force" not in casualties.get("required", [])
