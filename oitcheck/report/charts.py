"""The summary's charts as inline SVG built on the server: the page works offline, prints, and the browser
shapes the Thai labels with the page's own font. Every text that came from a CSV or a report is escaped here
(``markupsafe.escape``); numbers are formatted by this module only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape

from oitcheck.report.vocabulary import Band, province_words

BAND_COLOURS = {Band.EXCELLENT: "#1f7a3a", Band.PASS: "#4f8fd6", Band.FAIL: "#c8463d", None: "#9aa3b2"}
ROW = 18  # px per bar
LABEL_W, BAR_W, VALUE_W = 280, 420, 60
LABEL_CHARS = 48
FONT = "font-family=\"Sarabun, 'Noto Sans Thai', Tahoma, sans-serif\""


def _label(text: Any, limit: int = LABEL_CHARS) -> Markup:
    text = str(text or "")
    return escape(text if len(text) <= limit else text[: limit - 1] + "…")


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" {FONT} font-size="12"><title>{escape(title)}</title>')
    return Markup(head + "".join(body) + "</svg>")


def _marks(top: int, bottom: int, x: Callable[[float], float], marks: list[tuple[float, str]]) -> list[str]:
    body = []
    for value, colour in marks:
        px = x(value)
        body.append(f'<line x1="{px:.1f}" y1="{top - 4}" x2="{px:.1f}" y2="{bottom}" stroke="{colour}" '
                    f'stroke-dasharray="4 3"/><text x="{px:.1f}" y="{top - 7}" text-anchor="middle" '
                    f'fill="{colour}">{value:g}</text>')
    return body


def bars(rows: list[tuple[str, float | None, Band | None]], title: str, pass_mark: float,
         excellent: float) -> Markup:
    """Horizontal bars 0-100 with the pass mark and the excellent mark drawn across them."""
    top = 28
    height = top + ROW * len(rows) + 8
    width = LABEL_W + BAR_W + VALUE_W

    def x(value: float) -> float:
        return LABEL_W + BAR_W * max(0.0, min(value, 100.0)) / 100

    body = [f'<rect x="{LABEL_W}" y="{top}" width="{BAR_W}" height="{ROW * len(rows)}" fill="#f4f6f9"/>']
    body += _marks(top, top + ROW * len(rows), x, [(pass_mark, "#8c1d18"), (excellent, "#1f7a3a")])  # under the values
    for n, (label, value, band) in enumerate(rows):
        y = top + n * ROW
        body.append(f'<text x="{LABEL_W - 6}" y="{y + 13}" text-anchor="end">{_label(label)}</text>')
        if value is None:
            body.append(f'<text x="{LABEL_W + 4}" y="{y + 13}" fill="#5b6270">-</text>')
            continue
        body.append(f'<rect x="{LABEL_W}" y="{y + 3}" width="{x(value) - LABEL_W:.1f}" height="{ROW - 6}" '
                    f'fill="{BAND_COLOURS[band]}"/><text x="{x(value) + 4:.1f}" y="{y + 13}">{value:.2f}</text>')
    return _svg(width, height, title, body)


def trend(runs: list[dict[str, Any]], agencies: dict[str, list[dict[str, Any]]], names: dict[str, str],
          dates: list[str], title: str, mean_label: str, pass_mark: float) -> Markup:
    """The province mean per run (bold, with its values) over each agency's own line (thin, named on hover)."""
    width, height, left, right, top, bottom = 760, 300, 56, 56, 24, 44
    values = [p["oit"] for series in agencies.values() for p in series if p["oit"] is not None]
    values += [r["mean_oit"] for r in runs if r["mean_oit"] is not None]
    low = min([pass_mark - 5, *values]) // 10 * 10
    index = {run["run"]: n for n, run in enumerate(runs)}
    step = (width - left - right) / max(len(runs) - 1, 1)

    def xy(run: int, value: float) -> str:
        y = top + (height - top - bottom) * (100 - value) / max(100 - low, 1)
        return f"{left + index[run] * step:.1f},{y:.1f}"

    body = []
    for tick in range(int(low), 101, 10):
        y = top + (height - top - bottom) * (100 - tick) / max(100 - low, 1)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#e3e7ee"/>'
                    f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#5b6270">{tick}</text>')
    y85 = top + (height - top - bottom) * (100 - pass_mark) / max(100 - low, 1)
    body.append(f'<line x1="{left}" y1="{y85:.1f}" x2="{width - right}" y2="{y85:.1f}" stroke="#8c1d18" '
                f'stroke-dasharray="4 3"/>')
    for n, label in enumerate(dates):
        body.append(f'<text x="{left + n * step:.1f}" y="{height - bottom + 18}" text-anchor="middle" '
                    f'fill="#5b6270">{escape(label)}</text>')
    for folder, series in agencies.items():
        points = " ".join(xy(p["run"], p["oit"]) for p in series if p["oit"] is not None)
        if points:
            body.append(f'<polyline points="{points}" fill="none" stroke="#9aa3b2" stroke-width="1">'
                        f'<title>{_label(names.get(folder, folder), 120)}</title></polyline>')
    mean = [(r["run"], r["mean_oit"]) for r in runs if r["mean_oit"] is not None]
    if mean:
        body.append(f'<polyline points="{" ".join(xy(run, v) for run, v in mean)}" fill="none" stroke="#1b4f9c" '
                    f'stroke-width="3"><title>{escape(mean_label)}</title></polyline>')
        for run, value in mean:
            px, py = xy(run, value).split(",")
            body.append(f'<circle cx="{px}" cy="{py}" r="4" fill="#1b4f9c"/><text x="{px}" '
                        f'y="{float(py) - 8:.1f}" text-anchor="middle" fill="#1b4f9c">{value:.2f}</text>')
    return _svg(width, height, title, body)


def summary_charts(summary: dict[str, Any], thai_date: Callable[[Any], str]) -> dict[str, Markup]:
    """The charts of summary.html: ranking against the marks, indicator means, and the trend when the
    history store holds at least two runs of these agencies (titles: province.th.yaml ``charts``)."""
    words = province_words()
    titles = words.charts
    pass_mark, excellent = summary["pass_mark"], summary["excellent_mark"]
    ranked = [(a["name"], a["oit"], a.get("band")) for a in summary["agencies"] if a.get("oit") is not None]
    charts = {"ranking": bars(ranked, titles["ranking"], pass_mark, excellent)} if ranked else {}
    names = summary.get("indicator_names") or {}
    indicators = [(f"{key} {names.get(key, '')}".strip() if key != "oit" else titles["oit"], value,
                   words.band(value, pass_mark)) for key, value in summary["indicators"].items()]
    if indicators:
        charts["indicators"] = bars(indicators, titles["indicators"], pass_mark, excellent)
    history = summary.get("trend")
    if history and len(history["runs"]) >= 2:
        agency_names = {a["folder"]: a["name"] for a in summary["agencies"]}
        charts["trend"] = trend(history["runs"], history["agencies"], agency_names,
                                [thai_date(r["finished_at"]) for r in history["runs"]],
                                titles["trend"], titles["mean"], pass_mark)
    return charts
