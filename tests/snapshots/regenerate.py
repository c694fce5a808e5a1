"""Regenerate ``tests/snapshots/brief_replay.md`` from ``cassettes/seeds.yaml``.

Takes nothing but the repository (run it from the root:
``.venv/bin/python tests/snapshots/regenerate.py``); gives the seeds' brief
exactly as ``tests/test_cassettes.py::test_brief_from_cassette_equals_the_reviewed_snapshot``
renders it (replayed answers, no cache, ``generated_at`` fixed), written over
the snapshot. ``--json PATH`` also writes the replayed records there, and
``--check`` only says whether the snapshot is current (exit 1 when not), and
``--from-json PATH`` renders records written earlier by ``--json`` instead of
replaying (for when the cassettes are being re-recorded).
Read the diff as an editor would before committing it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / "tests" / "snapshots" / "brief_replay.md"
CASSETTE = ROOT / "cassettes" / "seeds.yaml"
FIXED = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)  # the test's FIXED


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the replayed records here")
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 if stale")
    parser.add_argument("--from-json", type=Path, help="render these records, do not replay")
    args = parser.parse_args()
    if args.from_json:
        args.from_json = args.from_json.resolve()

    os.chdir(ROOT)  # records name their sources as seeds/...
    with tempfile.TemporaryDirectory() as home:
        # like the tests: a private cache, no LLM settings from the environment
        os.environ["LLMBRIEF_DB"] = str(Path(home) / "llmbrief.db")
        os.environ["LLMBRIEF_TEST"] = "1"
        for var in [v for v in os.environ if v.startswith(("OPENAI_", "LLMBRIEF_M"))]:
            del os.environ[var]

        from llmbrief.cassettes import make_vcr
        from llmbrief.config import resolve_settings
        from llmbrief.models import dump_document
        from llmbrief.pipeline import extract_paths, render_documents

        if args.from_json:
            from llmbrief.documents import load_documents

            documents = load_documents(args.from_json)
        else:
            with make_vcr("none").use_cassette(str(CASSETTE)):
                result = extract_paths(
                    ["seeds"], resolve_settings({"no_cache": True}), replay_only=True
                )
            if result.failed:
                for failure in result.failed:
                    print(f"{failure.path}: {failure.error}", file=sys.stderr)
                return 1
            documents = result.documents
    md, _ = render_documents(documents, generated_at=FIXED)
    if args.json:
        docs = [dump_document(d) for d in documents]
        args.json.write_text(json.dumps(docs, indent=2, ensure_ascii=False) + "\n")
    if args.check:
        current = SNAPSHOT.read_text(encoding="utf-8") == md
        print("snapshot is current" if current else "snapshot is stale", file=sys.stderr)
        return 0 if current else 1
    SNAPSHOT.write_text(md, encoding="utf-8", newline="\n")
    print(f"wrote {SNAPSHOT.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
