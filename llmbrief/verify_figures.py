"""Rules 2-5 of the verifier: a figure's text is in the source, in the evidence, read right.

Takes the normalized source, a figure and the evidence quotes found; gives the
figure's check (raw offsets of its occurrence) and the problem, if any: not in
the source as whole numbers, outside the evidence, a value or bounds that the
text does not mean, or a hedge dropped or misread.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from llmbrief.models import CheckStatus, Figure, FigureCheck, Number, Problem
from llmbrief.normalize import NormalizedText
from llmbrief.numbers import NumberSpan, scan_fragment, source_numbers
from llmbrief.verify_text import inside, number_at, numbers_by_core, occurrences, sentence


def _eq(a: Number | None, b: Number | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, int) and isinstance(b, int):
        return a == b
    # 1.5 and 1.5000000000000002 are the same figure; 999999999 and 1e9 are not
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=0.0)


def _num(v: Number | None) -> str:
    if v is None:
        return "null"
    if abs(v) >= 1e18:
        return f"{v:.6g}"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


@dataclass(slots=True)
class _Occurrence:
    start: int
    end: int
    source_spans: list[NumberSpan]


def _aligned(nt: NormalizedText, key: str, text_spans: Sequence[NumberSpan]) -> list[_Occurrence]:
    """Occurrences of ``key`` whose numbers line up with whole numbers of the source."""
    out: list[_Occurrence] = []
    for s in occurrences(nt.folded, key):
        matched: list[NumberSpan] = []
        for sp in text_spans:
            src = number_at(nt, s + sp.core_start)
            if src is None or src.core_end != s + sp.core_end:
                break
            matched.append(src)
        else:
            out.append(_Occurrence(s, s + len(key), matched))
    return out


def _source_forms(nt: NormalizedText, core: str) -> list[str]:
    """How the source writes the number ``core`` (folded), hedges included."""
    forms: list[str] = []
    for sp in numbers_by_core(nt).values():
        if nt.folded[sp.core_start : sp.core_end] == core:
            form = nt.text[sp.start : sp.end]
            if form not in forms:
                forms.append(form)
    return forms


def _containing_forms(nt: NormalizedText, core: str) -> list[str]:
    """Source number expressions that contain ``core`` inside them ("5,000" in "25,000")."""
    forms: list[str] = []
    folded = nt.folded
    for sp in source_numbers(nt):
        i = folded.find(core, sp.start, sp.end)
        if i != -1 and (i != sp.core_start or i + len(core) != sp.core_end):
            form = nt.text[sp.start : sp.end]
            if form not in forms:
                forms.append(form)
    return forms


def _quoted(forms: Sequence[str]) -> str:
    return " and ".join(f'"{f}"' for f in forms[:3])


def _not_in_source_message(label: str, text: str, nt: NormalizedText, cores: list[str]) -> str:
    for core in cores:
        forms = _source_forms(nt, core)
        if forms:
            return (
                f'{label} "{text}" is not in the article as written; the article says '
                f"{_quoted(forms)}: copy the figure exactly as written, hedge word included"
            )
    for core in cores:
        forms = _containing_forms(nt, core)
        if forms:
            return (
                f'{label} "{text}" is not a whole number of the article: it occurs only inside '
                f"{_quoted(forms)}; copy the whole number exactly as written"
            )
    return (
        f'{label} "{text}" is not in the article: copy a number that the article writes, '
        "exactly as written, or leave the figure null"
    )


def check_figure(
    nt: NormalizedText,
    name: str,
    fig: Figure,
    quotes: Sequence[tuple[int, int]],
) -> tuple[FigureCheck, Problem | None]:
    label = f"{name}.text"
    norm, key, spans = scan_fragment(fig.text)

    def result(
        status: CheckStatus, occ: _Occurrence | None = None, message: str | None = None
    ) -> tuple[FigureCheck, Problem | None]:
        start = end = None
        if occ is not None:
            start, end = nt.raw_span(occ.start, occ.end)
        check = FigureCheck(field=name, text=fig.text, status=status, start=start, end=end)
        if status == "ok":
            return check, None
        return check, Problem(field=name, text=fig.text, status=status, message=message)

    if not spans:
        return result(
            "value_mismatch",
            message=(
                f'{label} "{fig.text}" names no number: copy the number as the article writes '
                'it ("25,000", "up to 25,000", "thrice"), or leave the figure null'
            ),
        )
    occurrences = _aligned(nt, key, spans)
    if not occurrences:
        cores = [key[sp.core_start : sp.core_end] for sp in spans]
        return result("not_in_source", message=_not_in_source_message(label, norm, nt, cores))
    in_evidence = [o for o in occurrences if inside(quotes, o.start, o.end)]
    if not in_evidence:
        first = occurrences[0]
        return result(
            "outside_evidence",
            first,
            f'{label} "{fig.text}" is not inside this record\'s evidence quotes: add the '
            f'sentence that contains it to evidence ("{sentence(nt, first.start, first.end)}"), '
            "or use a figure from the quoted sentences",
        )
    if len(spans) > 1:
        return result(
            "value_mismatch",
            in_evidence[0],
            f'{label} "{fig.text}" names more than one number: give one figure per field',
        )
    parsed = spans[0].parsed
    wrong: list[str] = []
    if not _eq(fig.value, parsed.value):
        wrong.append(f"value {_num(fig.value)} (the text means {_num(parsed.value)})")
    if fig.low is not None and not _eq(fig.low, parsed.low):
        wrong.append(f"low {_num(fig.low)} (the text implies {_num(parsed.low)})")
    if fig.high is not None and not _eq(fig.high, parsed.high):
        wrong.append(f"high {_num(fig.high)} (the text implies {_num(parsed.high)})")
    if wrong:
        return result(
            "value_mismatch",
            in_evidence[0],
            f'{name} has {", ".join(wrong)} but its text is "{fig.text}": set value '
            f"{_num(parsed.value)}, low {_num(parsed.low)}, high {_num(parsed.high)}, or copy "
            "the text that says the number you mean",
        )
    kept = [o for o in in_evidence if all(sp.start >= o.start for sp in o.source_spans)]
    if not kept:
        occ = in_evidence[0]
        sp = occ.source_spans[0]
        hedged = nt.text[sp.start : max(sp.end, occ.end)]
        return result(
            "qualifier_mismatch",
            occ,
            f'{label} "{fig.text}" drops the hedge: the source says "{hedged}"; copy it with '
            f'its hedge word (text "{hedged}", qualifier "{sp.parsed.qualifier}")',
        )
    if fig.qualifier != parsed.qualifier:
        hedge = spans[0].hedge
        said = f'has the hedge "{hedge}"' if hedge else "has no hedge word"
        return result(
            "qualifier_mismatch",
            kept[0],
            f'{name}.qualifier is "{fig.qualifier}" but {label} "{fig.text}" {said}, '
            f'which means "{parsed.qualifier}": set qualifier "{parsed.qualifier}"',
        )
    return result("ok", kept[0])
