"""Reading and writing files: articles, record documents (JSON, list or JSONL).

This is the edge of the pure core: everything here touches the file system and
turns what it finds into models, or into one :class:`InputError` that says
which file and what is wrong.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from llmbrief.errors import InputError
from llmbrief.models import Document, dump_document

#: Article files taken from a folder.
ARTICLE_SUFFIXES = (".txt", ".md")

#: Articles larger than this are refused before they are read. A news article is
#: a few kilobytes; a megabyte is a book's worth of questions to the model.
MAX_ARTICLE_BYTES = 1024 * 1024


def sha256_text(text: str) -> str:
    """The sha256 of a text's UTF-8 encoding: the content key used by the cache."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def decode_article(data: bytes, name: str) -> str:
    """Decode an article's bytes into text, or refuse with a reason.

    UTF-8 (with or without a BOM) and UTF-16 with a BOM are decoded; anything
    else that is not valid UTF-8 is refused rather than guessed, because a
    wrong guess would shift the character offsets that citations rely on.
    Line endings are kept as they are, for the same reason.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as err:
            raise InputError(f"{name}: not valid UTF-16 text ({err.reason})") from None
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: binary file, not a text article")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputError(
            f"{name}: not UTF-8 text (invalid byte at offset {err.start}); "
            "convert it to UTF-8 first, e.g. iconv -f latin1 -t utf-8"
        ) from None
    return text


def read_article(path: Path | str) -> str:
    """Read one article as text. Raises :class:`InputError` for unusable files."""
    p = Path(path)
    name = str(path)
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except OSError as err:
        raise InputError(f"{name}: cannot read ({err.strerror})") from None
    if p.is_dir():
        raise InputError(f"{name}: is a folder, not an article")
    if size > MAX_ARTICLE_BYTES:
        raise InputError(
            f"{name}: too large for an article ({size / 1e6:.1f} MB; the limit is "
            f"{MAX_ARTICLE_BYTES / 1e6:.1f} MB): split it into its articles"
        )
    try:
        data = p.read_bytes()
    except OSError as err:
        raise InputError(f"{name}: cannot read ({err.strerror})") from None
    text = decode_article(data, name)
    if not text.strip():
        raise InputError(f"{name}: empty article (no text)")
    return text


def find_articles(paths: Iterable[Path | str]) -> list[Path]:
    """Expand files and folders into the article files to process, in a stable order.

    A folder contributes its ``.txt`` and ``.md`` files (not recursively); a
    file named directly is taken whatever its suffix. A missing path, or a
    folder without articles, is an :class:`InputError`.
    """
    found: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            files = sorted(
                f for f in p.iterdir() if f.is_file() and f.suffix.lower() in ARTICLE_SUFFIXES
            )
            if not files:
                raise InputError(f"{raw}: folder has no articles (.txt or .md files)")
            found.extend(files)
        elif p.exists():
            found.append(p)
        else:
            raise InputError(f"{raw}: no such file or folder")
    seen: set[Path] = set()
    unique = []
    for f in found:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def display_path(path: Path) -> str:
    """The path as records name it: relative to the current folder when inside it."""
    try:
        return Path(os.path.relpath(path)).as_posix() if not path.is_absolute() else _rel(path)
    except ValueError:
        return path.as_posix()


def _rel(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def _location(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in {"deployment", "equipment_transfer", "casualties", "diplomatic_visit"}:
            continue  # the discriminator tag pydantic inserts, not a field name
        else:
            out += f".{part}" if out else str(part)
    return out


def _schema_error(name: str, where: str, err: ValidationError) -> InputError:
    first = err.errors()[0]
    loc = _location(tuple(first["loc"]))
    place = f"{where}.{loc}" if loc else where
    more = f" (and {err.error_count() - 1} more)" if err.error_count() > 1 else ""
    return InputError(f"{name}: {place}: {first['msg']}{more}")


def parse_documents(text: str, name: str) -> list[Document]:
    """Parse a document, a list of documents, or JSONL into documents."""
    stripped = text.strip()
    if not stripped:
        raise InputError(f"{name}: empty file, expected JSON records")
    items: list[tuple[str, Any]]
    try:
        data = json.loads(stripped)
    except json.JSONDecodeError as first_err:
        items = []
        for lineno, line in enumerate(stripped.splitlines(), 1):
            if not line.strip():
                continue
            try:
                items.append((f"line {lineno}", json.loads(line)))
            except json.JSONDecodeError as line_err:
                # line 1 bad: not JSON at all; a later line bad: JSONL with a broken line
                bad, at = (first_err, first_err.lineno) if lineno == 1 else (line_err, lineno)
                raise InputError(
                    f"{name}: not valid JSON or JSONL (line {at}, column {bad.colno}: {bad.msg})"
                ) from None
    else:
        if isinstance(data, list):
            items = [(f"document {i}", d) for i, d in enumerate(data)]
        else:
            items = [("document", data)]
    docs = []
    for where, item in items:
        if not isinstance(item, dict):
            raise InputError(f"{name}: {where}: expected a JSON object, got {type(item).__name__}")
        try:
            docs.append(Document.model_validate(item))
        except ValidationError as err:
            raise _schema_error(name, where, err) from None
    return docs


def read_utf8(path: Path | str, *, missing: str, folder: str, not_utf8: str) -> str:
    """Read a UTF-8 data file (a BOM is allowed), or raise one :class:`InputError` line.

    The three messages say, for this kind of file, what was missing or wrong;
    each is prefixed with the path.
    """
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: {missing}") from None
    except IsADirectoryError:
        raise InputError(f"{path}: {folder}") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path}: {not_utf8}") from None


def load_documents(path: Path | str) -> list[Document]:
    """Read a records file (``-`` is not accepted here; see the CLI)."""
    text = read_utf8(
        path,
        missing="no such file",
        folder="is a folder, expected a records file",
        not_utf8="not UTF-8 text, expected JSON records",
    )
    return parse_documents(text, str(path))


def documents_to_json(docs: list[Document], *, jsonl: bool = False) -> str:
    """Serialize documents: a JSON list (pretty) or JSONL (one document per line)."""
    if jsonl:
        return "".join(json.dumps(dump_document(d), ensure_ascii=False) + "\n" for d in docs)
    return json.dumps([dump_document(d) for d in docs], ensure_ascii=False, indent=2) + "\n"


def write_text_atomic(path: Path | str, text: str) -> None:
    """Write a file so that a reader never sees half of it (temp file, then rename)."""
    p = Path(path)
    if p.parent and not p.parent.exists():
        raise InputError(f"{path}: folder {p.parent} does not exist")
    tmp = p.with_name(f".{p.name}.tmp{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, p)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise InputError(f"{path}: cannot write ({err.strerror})") from None
    except BaseException:  # Ctrl-C mid-write: the old file stays whole, no temp file left
        tmp.unlink(missing_ok=True)
        raise
