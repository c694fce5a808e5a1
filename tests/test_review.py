"""The review page: highlights at the source's offsets, escaping, sources that changed,
records that failed, the brief's facts linked to their spans; and the page of the seeds
loaded in a real browser (headless Chromium)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from llmbrief.documents import load_documents, read_article, sha256_text
from llmbrief.errors import InputError
from llmbrief.models import Deployment, Document, Evidence, Figure, Source
from llmbrief.render import render_brief
from llmbrief.review import Article, load_articles, render_review

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "records_seeds.json"


# ---------------------------------------------------------------- reading the page back
@dataclass
class Run:
    start: int
    end: int
    ids: list[str]
    classes: list[str]


@dataclass
class Text:
    """One article's text as the page shows it: the characters, runs and anchors."""

    chars: list[str] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)
    anchors: dict[str, tuple[int, list[str]]] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return "".join(self.chars)


class Page(HTMLParser):
    """The parts of a review page (or of the DOM a browser dumped) that the tests check."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: dict[int, Text] = {}
        self.ids: dict[str, dict[str, str]] = {}
        self.scripts = 0
        self.tags: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (href, class)
        self.root: dict[str, str] = {}
        self.js_errors = ""
        self._pre: Text | None = None
        self._run: Run | None = None
        self._in_errors = False
        self._stack: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.add(tag)
        if tag == "html":
            self.root = a
        if tag == "script":
            self.scripts += 1
        if "id" in a:
            self.ids[a["id"]] = {"tag": tag, **a}
        if tag == "a" and "href" in a:
            self.links.append((a["href"], a.get("class", "")))
        if tag == "pre" and a.get("id", "").startswith("text-"):
            self._pre = self.texts.setdefault(int(a["id"][5:]), Text())
        elif tag == "pre" and a.get("id") == "js-errors":
            self._in_errors = True
        elif self._pre is not None and tag == "span" and "data-s" in a:
            pos = len(self._pre.chars)
            self._run = Run(pos, pos, a["data-s"].split(), a.get("class", "").split())
        elif self._pre is not None and tag == "a" and "id" in a:
            self._pre.anchors[a["id"]] = (len(self._pre.chars), a.get("data-s", "").split())
        self._stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self._pre = None
            self._in_errors = False
        elif tag == "span" and self._run is not None and self._pre is not None:
            self._run.end = len(self._pre.chars)
            self._pre.runs.append(self._run)
            self._run = None

    def handle_data(self, data: str) -> None:
        if self._pre is not None:
            self._pre.chars.extend(data)
        elif self._in_errors:
            self.js_errors += data


def covered(text: Text, span_id: str) -> list[tuple[int, int]]:
    """The ranges of the runs that belong to one span, merged where they touch."""
    out: list[tuple[int, int]] = []
    for run in sorted(text.runs, key=lambda r: r.start):
        if span_id in run.ids:
            if out and out[-1][1] == run.start:
                out[-1] = (out[-1][0], run.end)
            else:
                out.append((run.start, run.end))
    return out


def assert_highlights_at_source_offsets(page: Page, sources: dict[int, str]) -> int:
    """Every article's text is its source, and every span's runs are its exact slice."""
    checked = 0
    assert set(page.texts) == set(sources)
    for doc, source in sources.items():
        shown = page.texts[doc]
        assert shown.text == source
        for anchor, (pos, ids) in shown.anchors.items():
            m = re.fullmatch(rf"a{doc}-(\d+)-(\d+)", anchor)
            assert m, anchor
            start, end = int(m[1]), int(m[2])
            assert pos == start, anchor
            assert ids
            for span_id in ids:
                assert covered(shown, span_id) == [(start, end)], (anchor, span_id)
                runs = sorted((r for r in shown.runs if span_id in r.ids), key=lambda r: r.start)
                assert (
                    "".join("".join(shown.chars[r.start : r.end]) for r in runs)
                    == (source[start:end])
                )
                checked += 1
    return checked


# ---------------------------------------------------------------- the seeds, offline
def _read(path: str) -> str:
    return read_article(REPO / path)


def _seeds() -> list[Article]:
    return load_articles(load_documents(FIXTURE), _read)


def test_highlights_of_the_seeds_are_at_their_source_offsets() -> None:
    articles = _seeds()
    page = Page(render_review(articles))
    sources = {i: a.text for i, a in enumerate(articles) if a.text is not None}
    assert len(sources) == len(articles) == 5
    assert assert_highlights_at_source_offsets(page, sources) > 50
    assert page.scripts == 1


def _verified_figures(articles: list[Article]) -> list[tuple[int, int, int, int]]:
    """(doc, record, start, end) of every verified figure."""
    out = []
    for i, a in enumerate(articles):
        for j, r in enumerate(a.document.records):
            if r.verification is None or not r.verification.verified:
                continue
            out += [
                (i, j, f.start, f.end)
                for f in r.verification.figures
                if f.status == "ok" and f.start is not None and f.end is not None
            ]
    return out


def assert_every_verified_figure_highlighted(
    page: Page, articles: list[Article], sources: dict[int, str]
) -> int:
    figures = _verified_figures(articles)
    for doc, j, start, end in figures:
        anchor = f"a{doc}-{start}-{end}"
        assert anchor in page.texts[doc].anchors, anchor
        _, ids = page.texts[doc].anchors[anchor]
        runs = [r for r in page.texts[doc].runs if set(ids) & set(r.ids)]
        assert runs and all("fig" in r.classes for r in runs), anchor
        # the card of the record holds the figure's span
        card = page.ids[f"rec-{doc}-{j}"]
        assert set(ids) & set(card["data-s"].split()), anchor
        assert sources[doc][start:end].strip()
    return len(figures)


def test_every_verified_figure_of_the_seeds_is_highlighted() -> None:
    articles = _seeds()
    page = Page(render_review(articles))
    sources = {i: a.text for i, a in enumerate(articles) if a.text is not None}
    assert assert_every_verified_figure_highlighted(page, articles, sources) >= 10


# ---------------------------------------------------------------- escaping
HOSTILE = (
    "Officials said <script>alert('x')</script> that 500 troops & <b>tanks</b> "
    "arrived on Monday. Nothing else happened.\n<img src=x onerror=alert(1)>"
)


def _hostile_article(text: str = HOSTILE, sha: str | None = None) -> Document:
    record = Deployment(
        claimant="Officials <i>x</i>",
        status="actual",
        sender=None,
        personnel="combat_troops",
        personnel_text="troops",
        count=Figure(text="500", value=500, low=500, high=500),
        evidence=[
            Evidence(
                quote="Officials said <script>alert('x')</script> that 500 troops & "
                "<b>tanks</b> arrived on Monday."
            )
        ],
    )
    return Document(source=Source(path="hostile.txt", sha256=sha), records=[record])


def test_article_text_with_markup_stays_text() -> None:
    (article,) = load_articles([_hostile_article()], lambda p: HOSTILE)
    brief = "# B\n\n- A <script>alert(2)</script> fact with 500 troops[^1].\n\n" + (
        '[^1]: hostile.txt, chars 0–5: "<img src=y onerror=alert(3)>"\n'
    )
    html = render_review([article], brief=brief)
    page = Page(html)
    assert page.scripts == 1  # the page's own, nothing from the article, records or brief
    assert "img" not in page.tags and "b" not in page.tags and "i" not in page.tags
    assert page.texts[0].text == HOSTILE
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert "Officials &lt;i&gt;x&lt;/i&gt;" in html
    assert assert_highlights_at_source_offsets(page, {0: HOSTILE}) >= 3


def test_the_page_loads_nothing_from_anywhere() -> None:
    html = render_review(_seeds(), brief="# B\n")
    assert "default-src 'none'" in html
    for needle in (" src=", "http://", "https://", "@import", "url(", "<link"):
        assert needle not in html, needle


# ---------------------------------------------------------------- sources that changed
def test_changed_or_missing_source_is_named_not_highlighted() -> None:
    changed = _hostile_article(sha=sha256_text(HOSTILE))
    missing = _hostile_article()
    missing = missing.model_copy(update={"source": Source(path="gone.txt")})

    def read(path: str) -> str:
        if path == "gone.txt":
            raise InputError("gone.txt: no such file")
        return HOSTILE.replace("500", "600")  # edited since the records were made

    articles = load_articles([changed, missing], read)
    assert [a.text for a in articles] == [None, None]
    html = render_review(articles)
    page = Page(html)
    assert page.texts == {}
    assert "hostile.txt has changed since these records were made" in html
    assert "The source cannot be read (gone.txt: no such file)." in html
    # the records are still listed, as not located
    assert "rec-0-0" in page.ids and "rec-1-0" in page.ids


def test_same_sha_is_highlighted() -> None:
    (article,) = load_articles([_hostile_article(sha=sha256_text(HOSTILE))], lambda p: HOSTILE)
    assert article.text == HOSTILE and article.problem is None


# ---------------------------------------------------------------- records that failed
def test_records_that_failed_are_listed_with_their_reasons() -> None:
    docs = load_documents(FIXTURE)
    doc = docs[1]
    j, record = next(
        (j, r) for j, r in enumerate(doc.records) if r.kind == "deployment" and r.count
    )
    assert record.count is not None
    wrong = record.count.model_copy(update={"text": "up to 99,999", "value": 99999})
    bad = record.model_copy(update={"count": wrong})
    docs[1] = doc.model_copy(update={"records": [*doc.records[:j], bad, *doc.records[j + 1 :]]})
    articles = load_articles(docs, _read)
    html = render_review(articles)
    page = Page(html)
    section = html.split('<section id="unverified">', 1)[1].split("</section>", 1)[0]
    before = sum(1 for a in _seeds() for r in a.document.records if not r.verification.verified)  # type: ignore[union-attr]
    assert f"Not verified ({before + 1})" in section
    assert f'href="#rec-1-{j}"' in section
    assert "99,999" in section  # the verifier's reason names the figure
    card = page.ids[f"rec-1-{j}"]
    assert "unverified" in card["class"].split()
    # its evidence is still shown where it stands, marked as not verified
    runs = [r for r in page.texts[1].runs if set(r.ids) & set(card["data-s"].split())]
    assert runs and all("unv" in r.classes for r in runs)


# ---------------------------------------------------------------- the brief's facts
def test_each_fact_of_the_brief_links_to_the_spans_it_cites() -> None:
    articles = _seeds()
    texts = {a.document.source.path: a.text for a in articles if a.text is not None}
    brief = render_brief([a.document for a in articles], sources=texts)
    page = Page(render_review(articles, brief=brief))
    refs = [href for href, cls in page.links if cls == "ref"]
    assert len(refs) >= 15
    definitions = dict(re.findall(r"^\[\^(\d+)\]: (\S+, chars \d+–\d+)", brief, re.M))
    for href in refs:
        anchor = href.removeprefix("#")
        doc, start, end = map(int, re.fullmatch(r"a(\d+)-(\d+)-(\d+)", anchor).groups())  # type: ignore[union-attr]
        assert anchor in page.texts[doc].anchors
        path = articles[doc].document.source.path
        assert f"{path}, chars {start}–{end}" in definitions.values()
    assert "The citation rule holds" in render_review(articles, brief=brief)


def test_a_footnote_that_points_nowhere_says_so() -> None:
    articles = _seeds()
    brief = (
        "# B\n\n- Some 5 things[^1][^2].\n\n"
        '[^1]: elsewhere.txt, chars 0–4: "Some"\n'
        '[^2]: seeds/000_7e81adea1b9a7044.txt, chars 0–99999: "x"\n'
    )
    html = render_review(articles, brief=brief)
    assert "elsewhere.txt is not among the reviewed articles" in html
    assert "chars 0–99999 are outside seeds/000_7e81adea1b9a7044.txt" in html
    assert "The citation rule is broken (3)" in html


# ---------------------------------------------------------------- in a real browser
def _browser() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser() -> str:
    found = _browser()
    if found is None:
        message = (
            "NO BROWSER: the review page was not loaded in a browser (install chromium: "
            "apt-get install chromium; .ci/run does)"
        )
        if os.environ.get("LLMBRIEF_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def _dump_dom(browser: str, url: str, tmp: Path) -> tuple[str, str]:
    result = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",  # CI runs as root
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            f"--user-data-dir={tmp / 'profile'}",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout, result.stderr


def _console(stderr: str) -> list[str]:
    """What the page wrote to the console (errors, uncaught exceptions, logs)."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


@pytest.fixture(scope="module")
def seeds_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The seeds' records from the cassette replay, and their review page, made by the CLI."""
    out = tmp_path_factory.mktemp("review")
    env = {**os.environ, "LLMBRIEF_DB": str(out / "cache.db"), "LLMBRIEF_THREADS": "1"}
    env.pop("PYTHONPATH", None)
    cli = [sys.executable, "-m", "llmbrief"]
    records = out / "records.json"

    def run(*args: str) -> None:
        result = subprocess.run(
            [*cli, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, result.stderr

    run("brief", "seeds", "--replay", "cassettes/seeds.yaml", "--json", str(records),
        "-o", str(out / "brief.md"), "--html", str(out / "from_brief.html"))  # fmt: skip
    run("review", str(records), "-o", str(out / "review.html"))
    return records, out / "review.html"


def test_brief_html_is_the_review_of_its_records(seeds_page: tuple[Path, Path]) -> None:
    _, html = seeds_page
    from_brief = html.with_name("from_brief.html").read_text(encoding="utf-8")
    assert from_brief == html.read_text(encoding="utf-8")
    assert "The citation rule holds" in from_brief or "The citation rule is broken" in from_brief


def test_review_page_of_the_seeds_in_chromium(
    browser: str, seeds_page: tuple[Path, Path], tmp_path: Path
) -> None:
    records, html = seeds_page
    dom, stderr = _dump_dom(browser, html.as_uri(), tmp_path)
    page = Page(dom)
    assert _console(stderr) == []
    assert page.js_errors == ""
    # the script ran to its end and indexed every highlighted run
    runs = sum(len(t.runs) for t in page.texts.values())
    assert runs > 50 and page.root.get("data-ready") == str(runs)
    articles = load_articles(load_documents(records), _read)
    sources = {i: a.text for i, a in enumerate(articles) if a.text is not None}
    assert len(sources) == 5
    assert assert_highlights_at_source_offsets(page, sources) > 50
    assert assert_every_verified_figure_highlighted(page, articles, sources) >= 10
    # every fact of the brief links to a span on the page
    refs = [href for href, cls in page.links if cls == "ref"]
    assert refs and all(h.removeprefix("#") in page.ids for h in refs)


def test_a_link_to_a_figure_selects_its_record_in_chromium(
    browser: str, seeds_page: tuple[Path, Path], tmp_path: Path
) -> None:
    records, html = seeds_page
    articles = load_articles(load_documents(records), _read)
    doc, j, start, end = _verified_figures(articles)[0]
    dom, stderr = _dump_dom(browser, f"{html.as_uri()}#a{doc}-{start}-{end}", tmp_path)
    page = Page(dom)
    assert _console(stderr) == []
    selected = [i for i, a in page.ids.items() if "sel" in a.get("class", "").split()]
    assert f"rec-{doc}-{j}" in selected
    # only the records that hold the span, all of this article
    _, ids = page.texts[doc].anchors[f"a{doc}-{start}-{end}"]
    holders = [i for i, a in page.ids.items() if set(ids) & set(a.get("data-s", "").split())]
    assert sorted(selected) == sorted(h for h in holders if h.startswith("rec-"))
    assert all(i.startswith(f"rec-{doc}-") for i in selected)
    # the selected record's runs are marked too
    marked = [r for r in page.texts[doc].runs if "sel" in r.classes]
    assert marked and any(r.start <= start < r.end for r in marked)


def test_console_errors_are_seen(browser: str, tmp_path: Path) -> None:
    """The check above can fail: a page whose script throws is caught."""
    bad = tmp_path / "bad.html"
    bad.write_text("<html><body><script>undefinedFunction();</script></body></html>")
    _, stderr = _dump_dom(browser, bad.as_uri(), tmp_path)
    assert _console(stderr), stderr[-2000:]


PROBE = """<script>
(function () {
  var run = document.querySelector("pre.text .h.fig");
  run.dispatchEvent(new MouseEvent("mouseenter", {clientX: 10, clientY: 10}));
  var tip = document.getElementById("tip");
  document.body.setAttribute("data-tip", (tip.hidden ? "hidden:" : "shown:") + tip.textContent);
  run.dispatchEvent(new MouseEvent("mouseleave"));
  document.body.setAttribute("data-tip-after", tip.hidden ? "hidden" : "shown");
  run.click();
  document.body.setAttribute("data-run", run.getAttribute("data-s"));
  document.body.setAttribute("data-selected", Array.from(document.querySelectorAll(".card.sel"))
    .map(function (c) { return c.id; }).join(" "));
})();
</script></body>"""


def test_hover_and_click_on_a_figure_in_chromium(
    browser: str, seeds_page: tuple[Path, Path], tmp_path: Path
) -> None:
    """A user's hover and click, as events dispatched by a probe appended to a copy."""
    _, html = seeds_page
    probed = tmp_path / "probed.html"
    probed.write_text(html.read_text(encoding="utf-8").replace("</body>", PROBE), encoding="utf-8")
    dom, stderr = _dump_dom(browser, probed.as_uri(), tmp_path)
    assert _console(stderr) == []
    page = Page(dom)
    attrs = dict(re.findall(r'(data-[a-z-]+)="([^"]*)"', dom.split("<body", 1)[1].split(">", 1)[0]))
    assert attrs["data-tip"].startswith("shown:"), attrs
    assert attrs["data-tip-after"] == "hidden"
    run_ids = set(attrs["data-run"].split())
    doc = int(next(iter(run_ids)).split(".")[0])
    selected = attrs["data-selected"].split()
    holders = [i for i, a in page.ids.items() if run_ids & set(a.get("data-s", "").split())]
    assert selected and sorted(selected) == sorted(h for h in holders if h.startswith("rec-"))
    assert all(i.startswith(f"rec-{doc}-") for i in selected)
    # the tooltip shows the records of the figure: their kind and their figure as written
    kinds = {page.ids[i]["class"].split()[1].removeprefix("k-") for i in selected}
    names = {"deployment": "Deployment", "equipment_transfer": "Equipment transfer",
             "casualties": "Casualties", "diplomatic_visit": "Diplomatic visit"}  # fmt: skip
    assert all(names[k] in attrs["data-tip"] for k in kinds)
