"""The link-check benchmark's pages (bench/linkpages.py) and its scoring (bench/links.py), without running the
tools: the generator is deterministic and every planted case can be told from a reported URL."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from bench.linkpages import case_ids, generate
from bench.links import score


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_pages_are_deterministic_and_cover_every_category(tmp_path):
    first, second = generate(tmp_path / "a"), generate(tmp_path / "b")
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert first.cases == second.cases
    categories = {c.category for c in first.cases}
    assert categories == {"tags", "status", "redirects", "encodings", "malformed"}
    for category in categories:  # each has broken cases, and all but "malformed" working ones too
        assert any(c.broken for c in first.cases if c.category == category)
    assert len({c.id for c in first.cases}) == len(first.cases)
    # the windows-874 page is in windows-874 and says so, like old Thai sites
    assert "ประกาศจัดซื้อ".encode("cp874") in (first.root / "lc" / "enc-874.html").read_bytes()


def test_reported_urls_are_matched_to_cases_however_written(tmp_path):
    pages = generate(tmp_path)
    broken = [c for c in pages.cases if c.broken]
    working = next(c for c in pages.cases if not c.broken)
    reported = [f"http://127.0.0.1:8000/lc/t/{broken[0].id}-missing.html",
                quote(f"/lc/e/{broken[1].id}-รายงาน.html"), f"oitx://{broken[2].id}/plan.pdf",
                f"http://127.0.0.1:8000/lc/t/{working.id}-ok.html", "http://127.0.0.1:8000/elsewhere.html"]
    assert case_ids(reported[1]) == {broken[1].id}
    outcome = score("tool", pages, reported, 1.0)
    assert outcome.found == sorted(c.id for c in broken[:3])
    assert len(outcome.missed) == len(broken) - 3
    assert outcome.false_alarms == [working.id] and outcome.unplanned == ["http://127.0.0.1:8000/elsewhere.html"]
