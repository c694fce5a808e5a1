"""Short articles written for the tests (not from any corpus), with the records an
extractor would give for them: aid to Ukraine, Gaza, Sudan, state visits, deployments.

``brief(*names)`` verifies the stories' records against their texts and renders the
brief, so that tests read the sentences an editor would get, and check them with the
real checker.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from llmbrief.models import Document, Source
from llmbrief.render import render_brief
from llmbrief.verify import verify_document

WHEN = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)

TEXTS: dict[str, str] = {
    "himars.txt": (
        "Washington steps up artillery aid to Kyiv\n"
        "The United States has delivered 20 HIMARS launchers to Ukraine, the Pentagon said. "
        "Washington plans to send up to 18 more launchers to Ukraine next year, officials said.\n"
    ),
    "gaza.txt": (
        "Strikes kill dozens in Gaza as ceasefire talks stall\n"
        "More than 100 Palestinians were killed in Israeli strikes across Gaza on Sunday, "
        "the Gaza health ministry said. "
        "Another 250 people were wounded, according to the ministry.\n"
    ),
    "fasher-un.txt": (
        "UN warns of mass killings in besieged Sudanese city\n"
        "At least 1,500 civilians have been killed in El Fasher since May, "
        "the United Nations said on Friday.\n"
    ),
    "fasher-activists.txt": (
        "Activists count the dead in El Fasher\n"
        "Around 2,000 civilians have been killed in El Fasher, local activists said.\n"
    ),
    "fasher-monitors.txt": (
        "Monitors count the dead in El Fasher\n"
        "In all, 1,700 to 1,900 civilians have been killed in El Fasher, a monitoring group said.\n"
    ),
    "erdogan-riyadh.txt": (
        "Erdogan begins Gulf tour in Saudi Arabia\n"
        "Turkish President Recep Tayyip Erdogan arrived in Saudi Arabia on Monday "
        "and met Crown Prince Mohammed bin Salman.\n"
    ),
    "erdogan-agency.txt": (
        "Gulf investment on the agenda in Riyadh\n"
        "The Turkish president held talks in Saudi Arabia, the state news agency reported.\n"
    ),
    "iran-drones.txt": (
        "Tehran rejects Western accusations over drones\n"
        "Iran denied supplying drones to Russia, the foreign ministry said.\n"
    ),
    "kenya-haiti.txt": (
        "Kenya sends 400 police officers to Haiti\n"
        "Kenya has sent 400 police officers to Haiti, the interior ministry said. "
        "The officers will support the national police.\n"
    ),
    "haiti-mission.txt": (
        "Haiti mission takes shape\n"
        "The first 400 Kenyan officers have been deployed to Haiti, the mission said.\n"
    ),
    "tanks-headline.txt": (
        "China to deliver 600 tanks to Pakistan, report says\n"
        "China will deliver a large batch of tanks to Pakistan, a report said.\n"
    ),
    "engineers.txt": (
        "Reconstruction crews head to the border region\n"
        "Some 1,000 engineers will be sent to the Belgorod region, the ministry said.\n"
    ),
}

_EV: dict[str, Any] = {"quote": ""}


def _ev(path: str, sentence_start: str) -> list[dict[str, Any]]:
    """The whole sentence of the story that starts with ``sentence_start``."""
    text = TEXTS[path]
    i = text.index(sentence_start)
    ends = [j for j in (text.find(". ", i), text.find(".\n", i)) if j >= 0]
    return [{"quote": text[i : min(ends) + 1]}]


def _fig(text: str) -> dict[str, Any]:
    from llmbrief.numbers import parse_figure_text

    p = parse_figure_text(text)
    return {"text": text, "value": p.value, "low": p.low, "high": p.high, "qualifier": p.qualifier}


RECORDS: dict[str, list[dict[str, Any]]] = {
    "himars.txt": [
        {
            "kind": "equipment_transfer",
            "status": "actual",
            "claimant": "Pentagon",
            "supplier": "United States",
            "recipient": "Ukraine",
            "item": "HIMARS launchers",
            "category": "artillery",
            "quantity": _fig("20"),
            "evidence": _ev("himars.txt", "The United States"),
        },
        {
            "kind": "equipment_transfer",
            "status": "planned",
            "claimant": "officials",
            "supplier": "Washington",
            "recipient": "Ukraine",
            "item": "launchers",
            "category": "artillery",
            "quantity": _fig("up to 18"),
            "date_text": "next year",
            "evidence": _ev("himars.txt", "Washington plans"),
        },
    ],
    "gaza.txt": [
        {
            "kind": "casualties",
            "status": "actual",
            "claimant": "the Gaza health ministry",
            "force": "Palestinians",
            "location": "Gaza",
            "date_text": "on Sunday",
            "killed": _fig("More than 100"),
            "evidence": _ev("gaza.txt", "More than 100"),
        },
        {
            "kind": "casualties",
            "status": "actual",
            "claimant": "the ministry",
            "force": "people",
            "wounded": _fig("250"),
            "evidence": _ev("gaza.txt", "Another 250"),
        },
    ],
    "fasher-un.txt": [
        {
            "kind": "casualties",
            "status": "actual",
            "claimant": "United Nations",
            "force": "civilians",
            "location": "El Fasher",
            "date_text": "since May",
            "killed": _fig("At least 1,500"),
            "evidence": _ev("fasher-un.txt", "At least 1,500"),
        }
    ],
    "fasher-activists.txt": [
        {
            "kind": "casualties",
            "status": "actual",
            "claimant": "local activists",
            "force": "civilians",
            "location": "El Fasher",
            "killed": _fig("Around 2,000"),
            "evidence": _ev("fasher-activists.txt", "Around 2,000"),
        }
    ],
    "fasher-monitors.txt": [
        {
            "kind": "casualties",
            "status": "actual",
            "claimant": "monitoring group",
            "force": "civilians",
            "location": "El Fasher",
            "killed": _fig("1,700 to 1,900"),
            "evidence": _ev("fasher-monitors.txt", "In all, 1,700 to 1,900"),
        }
    ],
    "erdogan-riyadh.txt": [
        {
            "kind": "diplomatic_visit",
            "status": "actual",
            "visitor": "Recep Tayyip Erdogan",
            "visitor_role": "Turkish President",
            "host": "Mohammed bin Salman",
            "host_country": "Saudi Arabia",
            "place": "Saudi Arabia",
            "date_text": "on Monday",
            "evidence": _ev("erdogan-riyadh.txt", "Turkish President"),
        }
    ],
    "erdogan-agency.txt": [
        {
            "kind": "diplomatic_visit",
            "status": "actual",
            "claimant": "the state news agency",
            "visitor": "The Turkish president",
            "host_country": "Saudi Arabia",
            "place": "Saudi Arabia",
            "evidence": _ev("erdogan-agency.txt", "The Turkish president"),
        }
    ],
    "iran-drones.txt": [
        {
            "kind": "equipment_transfer",
            "status": "denied",
            "claimant": "the foreign ministry",
            "supplier": "Iran",
            "recipient": "Russia",
            "item": "drones",
            "category": "drones",
            "evidence": _ev("iran-drones.txt", "Iran denied"),
        }
    ],
    "kenya-haiti.txt": [
        {
            "kind": "deployment",
            "status": "actual",
            "claimant": "the interior ministry",
            "sender": "Kenya",
            "receiver": "Haiti",
            "personnel": "other",
            "personnel_text": "police officers",
            "count": _fig("400"),
            "evidence": _ev("kenya-haiti.txt", "Kenya has sent"),
        },
        {  # the same figure in the headline: not a claim of its own
            "kind": "deployment",
            "status": "actual",
            "sender": "Kenya",
            "receiver": "Haiti",
            "personnel": "other",
            "personnel_text": "police officers",
            "count": _fig("400"),
            "evidence": [{"quote": "Kenya sends 400 police officers to Haiti"}],
        },
    ],
    "haiti-mission.txt": [
        {
            "kind": "deployment",
            "status": "actual",
            "claimant": "the mission",
            "sender": "Kenya",
            "receiver": "Haiti",
            "personnel": "other",
            "personnel_text": "Kenyan officers",
            "count": _fig("400"),
            "evidence": _ev("haiti-mission.txt", "The first 400"),
        }
    ],
    "tanks-headline.txt": [
        {
            "kind": "equipment_transfer",
            "status": "planned",
            "supplier": "China",
            "recipient": "Pakistan",
            "item": "tanks",
            "category": "vehicles",
            "quantity": _fig("600"),
            "evidence": [{"quote": "China to deliver 600 tanks to Pakistan, report says"}],
        }
    ],
    "engineers.txt": [
        {
            "kind": "deployment",
            "status": "planned",
            "claimant": "the ministry",
            "destination": "Belgorod region",
            "personnel": "engineers",
            "personnel_text": "engineers",
            "count": _fig("Some 1,000"),
            "evidence": _ev("engineers.txt", "Some 1,000"),
        }
    ],
}


def documents(*names: str) -> list[Document]:
    """The stories' records, verified against their texts (every one must verify)."""
    docs = []
    for name in names or tuple(TEXTS):
        doc = Document.model_validate({"source": {"path": name}, "records": RECORDS[name]})
        checked = verify_document(doc, TEXTS[name])
        for r in checked.records:
            assert r.verification is not None
            assert r.verification.verified, (name, r.verification.problems)
        docs.append(checked)
    return docs


def brief(*names: str, front_matter: bool = False) -> str:
    """The brief of the named stories (all of them by default)."""
    chosen = names or tuple(TEXTS)
    return render_brief(
        documents(*chosen),
        generated_at=WHEN,
        sources={n: TEXTS[n] for n in chosen},
        front_matter=front_matter,
    )


def read(path: str) -> str:
    """The checker's reader: stories by name."""
    return TEXTS[path]


__all__ = ["RECORDS", "TEXTS", "WHEN", "Source", "brief", "documents", "read"]
