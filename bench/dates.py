"""Benchmark Thai date extraction: throughput over 10+ MB of Thai text and accuracy on the labelled corpus,
against dateparser's ``search_dates`` (languages=["th"]), the usual Python library for dates in free text.

    python bench/dates.py                  # 10 MB, with the peer if dateparser is installed
    python bench/dates.py --mb 2

The text is real Thai: the labelled date corpus (tests/data/dates_corpus.yaml), the demo site's pages
and, when present, an optional external corpus that is not part of the repository (plain-text ``*.txt``
copies of agencies' published ITA reports in a ``shared/seeds`` folder beside the checkout), cut into
page-sized chunks and repeated to the size asked for. The peer is slow, so it reads a sample and its MB/s
is measured on that.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from oitcheck.extract.dates import scan  # noqa: E402
from oitcheck.extract.html import parse_page  # noqa: E402

CORPUS = ROOT / "tests/data/dates_corpus.yaml"
SEEDS = ROOT.parent / "shared/seeds"  # optional external corpus of ITA reports as text; read when present
DEMO_SITE = ROOT / "oitcheck/demo/site"
CHUNK = 20_000  # characters: about one agency page's text
PEER_SAMPLE_BYTES = 300_000


def source_texts() -> list[str]:
    """Thai paragraphs to repeat: external ITA reports if any, corpus strings (as lines of a page), demo pages."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))] if SEEDS.is_dir() else []
    corpus = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    texts.append("\n".join(entry["text"] for entry in corpus))
    for page in sorted(DEMO_SITE.rglob("*.html")):
        texts.append(parse_page(page.read_text(encoding="utf-8", errors="replace"), "http://127.0.0.1/")["text"])
    return texts


def chunks_of(size_mb: float) -> list[str]:
    pieces: list[str] = []
    for text in source_texts():
        pieces.extend(text[i:i + CHUNK] for i in range(0, len(text), CHUNK))
    out, total, i = [], 0, 0
    while total < size_mb * 1_000_000:
        piece = pieces[i % len(pieces)]
        out.append(piece)
        total += len(piece.encode("utf-8"))
        i += 1
    return out


def time_ours(chunks: list[str], repeat: int) -> tuple[float, int]:
    """Median seconds to scan every chunk, and the mentions found."""
    runs, found = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        found = sum(len(scan(chunk)) for chunk in chunks)
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), found


def _peer() -> Any:
    try:
        from dateparser.search import search_dates
    except ImportError:
        return None
    return search_dates


def time_peer(search_dates: Any, chunks: list[str]) -> tuple[float, float]:
    """(seconds, MB) for the peer over the first chunks up to the sample size."""
    sample, size = [], 0
    for chunk in chunks:
        if size >= PEER_SAMPLE_BYTES:
            break
        sample.append(chunk)
        size += len(chunk.encode("utf-8"))
    started = time.perf_counter()
    for chunk in sample:
        search_dates(chunk, languages=["th"])
    return time.perf_counter() - started, size / 1e6


def corpus_accuracy(search_dates: Any | None) -> dict[str, Any]:
    """Share of corpus entries whose full dates are read exactly, for oitcheck and for the peer
    (the peer is given the benefit of the doubt: its Buddhist-Era years are converted to CE)."""
    corpus = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    with_dates = [e for e in corpus if e["dates"]]
    without = [e for e in corpus if not e["dates"]]
    ours_hit = sum([m.date.isoformat() for m in scan(e["text"]) if m.kind == "date"] == e["dates"]
                   for e in with_dates)
    ours_false = sum(any(m.kind == "date" for m in scan(e["text"])) for e in without)
    out: dict[str, Any] = {"entries": len(corpus), "with_dates": len(with_dates), "without_dates": len(without),
                           "oitcheck_exact": ours_hit / len(with_dates),
                           "oitcheck_false_dates": ours_false / len(without)}
    if search_dates is not None:
        peer_hit = sum(_peer_dates(search_dates, e["text"]) == e["dates"] for e in with_dates)
        peer_false = sum(bool(_peer_dates(search_dates, e["text"])) for e in without)
        out |= {"peer_exact": peer_hit / len(with_dates), "peer_false_dates": peer_false / len(without)}
    return out


def _peer_dates(search_dates: Any, text: str) -> list[str]:
    found = search_dates(text, languages=["th"]) or []
    days = []
    for _, value in found:
        year = value.year - 543 if value.year > 2400 else value.year
        try:
            days.append(date(year, value.month, value.day).isoformat())
        except ValueError:
            continue
    return days


def site_share(pages_root: Path | str | None, audit_wall_s: float | None) -> dict[str, Any] | None:
    """Seconds to scan the text of every page of a crawled site, as a share of that site's audit: an upper
    bound, since an audit scans only the news pages and the evidence."""
    if pages_root is None or not audit_wall_s:
        return None
    texts = [parse_page(p.read_text(encoding="utf-8", errors="replace"), "http://127.0.0.1/")["text"]
             for p in Path(pages_root).rglob("*.html")]
    started = time.perf_counter()
    for text in texts:
        scan(text)
    seconds = time.perf_counter() - started
    return {"pages": len(texts), "scan_s": round(seconds, 2), "audit_s": audit_wall_s,
            "share": round(seconds / audit_wall_s, 3)}


def measure(size_mb: float = 10, repeat: int = 3) -> dict[str, Any]:
    chunks = chunks_of(size_mb)
    megabytes = sum(len(c.encode("utf-8")) for c in chunks) / 1e6
    seconds, found = time_ours(chunks, repeat)
    result: dict[str, Any] = {"mb": round(megabytes, 1), "chunks": len(chunks), "mentions": found,
                              "oitcheck_s": round(seconds, 2), "oitcheck_mb_s": round(megabytes / seconds, 2)}
    search_dates = _peer()
    if search_dates is None:
        result["peer"] = "dateparser not installed (pip install dateparser)"
    else:
        peer_s, peer_mb = time_peer(search_dates, chunks)
        result |= {"peer": "dateparser.search_dates(languages=['th'])", "peer_mb": round(peer_mb, 2),
                   "peer_s": round(peer_s, 2), "peer_mb_s": round(peer_mb / peer_s, 3)}
        result["speed_ratio"] = round(result["oitcheck_mb_s"] / result["peer_mb_s"], 1)
    result["corpus"] = corpus_accuracy(search_dates)
    return result


def report(result: dict[str, Any]) -> str:
    lines = [f"date extraction: {result['mb']} MB of Thai text in {result['chunks']} page-sized chunks, "
             f"{result['mentions']} mentions; oitcheck {result['oitcheck_mb_s']} MB/s ({result['oitcheck_s']} s)"]
    if "peer_mb_s" in result:
        lines.append(f"  peer {result['peer']}: {result['peer_mb_s']} MB/s on {result['peer_mb']} MB; "
                     f"oitcheck is {result['speed_ratio']}x faster")
    else:
        lines.append(f"  peer: {result['peer']}")
    corpus = result["corpus"]
    line = (f"  corpus ({corpus['entries']} strings): full dates read exactly: oitcheck {corpus['oitcheck_exact']:.1%}")
    if "peer_exact" in corpus:
        line += f", peer {corpus['peer_exact']:.1%}"
    line += f"; dates invented in {corpus['without_dates']} strings without any: oitcheck " \
            f"{corpus['oitcheck_false_dates']:.1%}"
    if "peer_false_dates" in corpus:
        line += f", peer {corpus['peer_false_dates']:.1%}"
    lines.append(line)
    if result.get("site_share"):
        share = result["site_share"]
        lines.append(f"  every page of the bench site ({share['pages']} pages) scanned in {share['scan_s']} s = "
                     f"{share['share']:.1%} of the audit's {share['audit_s']} s wall time (upper bound)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark Thai date extraction against dateparser.")
    parser.add_argument("--mb", type=float, default=10, help="megabytes of Thai text (default 10)")
    parser.add_argument("--repeat", type=int, default=3, help="runs over the text; the median counts (default 3)")
    parser.add_argument("--json", type=Path, help="also write the result here")
    args = parser.parse_args(argv)
    result = measure(args.mb, args.repeat)
    print(report(result))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
