"""Writes the link-check benchmark's pages: one small site whose every link is a planted case, broken or not.

The categories are those of LinkChecker's own test fixtures (issue 20), written from scratch: tags and
attributes that carry a URL, HTTP status codes, redirect chains and loops, page and URL encodings, and
malformed URLs. Every URL of a case carries its id (``lk001``...), so a tool's report is matched to the
planted cases by the ids in the URLs it reports broken, whatever form it normalised them to.

``python bench/linkpages.py OUT`` writes ``OUT/www/`` (serve it with ``tests.support.server.SiteServer``;
``_routes.json`` gives the status codes and redirects) and ``OUT/planted.json``. Deterministic: same bytes
every run.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

TOKEN = re.compile(r"lk(\d{3})")
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
# What a target of each extension holds, so a tool that looks at the body sees the right kind.
BODIES: dict[str, bytes] = {
    "png": PNG, "css": b"body { color: #222; }\n", "js": b"console.log('ok');\n", "mp4": bytes(512),
    "mp3": bytes(512), "vtt": b"WEBVTT\n\n00:00.000 --> 00:01.000\n\xe0\xb8\x97\xe0\xb8\x94\n",
    "pdf": b"%PDF-1.4\n%%EOF\n",
}


@dataclass(frozen=True)
class Case:
    """One planted link: ``id`` appears in its URL; ``broken``: whether a visitor finds it broken."""

    id: str
    category: str
    name: str
    broken: bool


@dataclass
class LinkPages:
    """The written site: where it is and the planted cases."""

    root: Path
    cases: list[Case] = field(default_factory=list)

    def by_id(self) -> dict[str, Case]:
        return {case.id: case for case in self.cases}


class _Writer:
    """Collects pages, files and routes, and numbers the cases."""

    def __init__(self, www: Path) -> None:
        self.www = www
        self.cases: list[Case] = []
        self.routes: dict[str, dict[str, Any]] = {
            # LinkChecker keeps 0.1-0.6 s between requests to a host unless it answers with this header
            "/": {"file": "index.html", "headers": {"LinkChecker": "oitcheck-bench"}},
        }

    def case(self, category: str, name: str, broken: bool) -> str:
        cid = f"lk{len(self.cases) + 1:03d}"
        self.cases.append(Case(cid, category, name, broken))
        return cid

    def file(self, path: str, data: bytes | None = None) -> str:
        """Write a target at the site path ``path`` (its body by extension); returns ``path``."""
        target = self.www / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        ext = path.rsplit(".", 1)[-1]
        target.write_bytes(data if data is not None else BODIES.get(ext, page("ปลายทาง", "").encode()))
        return path

    def target(self, cid: str, ext: str, broken: bool) -> str:
        """A target path for case ``cid``: written when it should work, left missing when not."""
        path = f"/lc/t/{cid}-{'missing' if broken else 'ok'}.{ext}"
        return path if broken else self.file(path)

    def named(self, category: str, name: str, broken: bool, path: str) -> str:
        """A case whose target is ``path`` (``{cid}`` filled in): written when it should work; returns the path."""
        path = path.format(cid=self.case(category, name, broken))
        return path if broken else self.file(path)

    def page(self, path: str, title: str, body: str, head: str = "", encoding: str = "utf-8") -> None:
        data = page(title, body, head, encoding).encode("cp874" if encoding == "windows-874" else encoding)
        self.file(path, data)
        if encoding != "utf-8":
            self.routes[path] = {"file": path.lstrip("/"), "content_type": f"text/html; charset={encoding}"}


def page(title: str, body: str, head: str = "", encoding: str = "utf-8") -> str:
    return (f"<!DOCTYPE html>\n<html lang='th'><head><meta charset='{encoding}'><title>{title}</title>{head}"
            f"</head><body><h1>{title}</h1>\n{body}\n</body></html>\n")


# -- tags and attributes ----------------------------------------------------------------------------------

# (name, target extension, markup with {u}, in <head>)
TAGS = [
    ("a href", "html", "<a href='{u}'>เอกสาร</a>", False),
    ("img src", "png", "<img src='{u}' alt='ภาพ'>", False),
    ("link stylesheet", "css", "<link rel='stylesheet' href='{u}'>", True),
    ("script src", "js", "<script src='{u}'></script>", False),
    ("iframe src", "html", "<iframe src='{u}' title='กรอบ'></iframe>", False),
    ("area href", "html", "<img src='/lc/map.png' usemap='#m{n}' alt='แผนที่'><map name='m{n}'>"
                          "<area shape='rect' coords='0,0,10,10' href='{u}' alt='เขต'></map>", False),
    ("object data", "pdf", "<object data='{u}' type='application/pdf'></object>", False),
    ("embed src", "mp4", "<embed src='{u}' type='video/mp4'>", False),
    ("video src", "mp4", "<video src='{u}' controls></video>", False),
    ("video poster", "png", "<video controls poster='{u}'></video>", False),
    ("audio src", "mp3", "<audio src='{u}' controls></audio>", False),
    ("source src", "mp4", "<video controls><source src='{u}' type='video/mp4'></video>", False),
    ("track src", "vtt", "<video controls><track src='{u}' kind='captions' srclang='th'></video>", False),
    ("img srcset", "png", "<img src='/lc/map.png' srcset='{u} 2x' alt='ภาพ'>", False),
    ("background attribute", "png", "<table background='{u}'><tr><td>ตาราง</td></tr></table>", False),
    ("style background-image", "png", "<div style=\"background-image: url('{u}')\">แบนเนอร์</div>", False),
    ("form action", "html", "<form action='{u}' method='get'><input name='q'><button>ค้นหา</button></form>", False),
    ("input type=image", "png", "<form action='/lc/map.png'><input type='image' src='{u}' alt='ส่ง'></form>", False),
]


def _tags(w: _Writer) -> str:
    w.file("/lc/map.png")
    head, body = [], []
    for n, (name, ext, markup, in_head) in enumerate(TAGS):
        for broken in (False, True):
            cid = w.case("tags", name, broken)
            (head if in_head else body).append(markup.format(u=w.target(cid, ext, broken), n=f"{n}{int(broken)}"))
    # frames: a frameset page of its own
    frames = []
    for broken in (False, True):
        cid = w.case("tags", "frame src", broken)
        frames.append(f"<frame src='{w.target(cid, 'html', broken)}'>")
    w.file("/lc/frames.html", (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>กรอบ</title></head>"
                               f"<frameset cols='50%,50%'>{''.join(frames)}</frameset></html>").encode())
    # meta refresh: a page that sends the visitor on at once
    for broken in (False, True):
        cid = w.case("tags", "meta refresh", broken)
        w.page(f"/lc/{cid}-refresh.html", "กำลังย้าย", "",
               f"<meta http-equiv='refresh' content='0; url={w.target(cid, 'html', broken)}'>")
        body.append(f"<a href='/lc/{cid}-refresh.html'>หน้าที่ย้ายแล้ว</a>")
    # base href: relative links resolve under /lc/based/; the same name under the page's own folder is the
    # opposite (there for the broken case, missing for the working one), so a tool ignoring <base> errs both ways
    based = []
    for broken in (False, True):
        cid = w.case("tags", "base href", broken)
        w.file(f"/lc/base/{cid}.html" if broken else f"/lc/based/{cid}.html")
        based.append(f"<a href='{cid}.html'>เอกสารฐาน</a>")
    w.page("/lc/base/index.html", "ฐาน", " ".join(based), "<base href='/lc/based/'>")
    body += ["<a href='/lc/frames.html'>กรอบ</a>", "<a href='/lc/base/index.html'>ฐาน</a>"]
    w.page("/lc/tags.html", "แท็กและแอตทริบิวต์", "\n".join(body), "".join(head))
    return "/lc/tags.html"


# -- status codes and redirects ---------------------------------------------------------------------------


def _status(w: _Writer) -> str:
    links = []

    def route(name: str, broken: bool, **behaviour: Any) -> None:
        cid = w.case("status", name, broken)
        w.routes[f"/lc/s/{cid}"] = {"body": page(name, ""), **behaviour}
        links.append(f"<a href='/lc/s/{cid}'>{name}</a>")

    route("200", False)
    for code in (301, 302, 307, 308):
        for broken in (False, True):
            cid = f"lk{len(w.cases) + 1:03d}"
            route(f"{code} to a {'missing' if broken else 'working'} page", broken, status=code,
                  location=w.target(cid, "html", broken))
    for code in (404, 410, 500, 403):
        route(str(code), True, status=code)
    route("429 with Retry-After: 1, then 200", False, status=429, retry_after=1, times=1)
    w.page("/lc/status.html", "รหัสสถานะ", "\n".join(links))
    return "/lc/status.html"


def _redirects(w: _Writer) -> str:
    links = []

    def chain(hops: int, broken: bool) -> None:
        cid = w.case("redirects", f"chain of {hops}", broken)
        for n in range(hops):
            w.routes[f"/lc/r/{cid}-{n}"] = {"status": 302, "location": f"/lc/r/{cid}-{n + 1}"}
        w.routes[f"/lc/r/{cid}-{hops}"] = {"body": page("ปลายทาง", "")}
        links.append(f"<a href='/lc/r/{cid}-0'>ต่อกัน {hops} ทอด</a>")

    chain(5, False)
    chain(25, True)
    cid = w.case("redirects", "loop of two", True)
    w.routes[f"/lc/r/{cid}-a"] = {"status": 302, "location": f"/lc/r/{cid}-b"}
    w.routes[f"/lc/r/{cid}-b"] = {"status": 301, "location": f"/lc/r/{cid}-a"}
    links.append(f"<a href='/lc/r/{cid}-a'>วน</a>")
    cid = w.case("redirects", "to itself", True)
    w.routes[f"/lc/r/{cid}-self"] = {"status": 302, "location": f"/lc/r/{cid}-self"}
    links.append(f"<a href='/lc/r/{cid}-self'>วนที่เดิม</a>")
    cid = w.case("redirects", "to ftp:", True)
    w.routes[f"/lc/r/{cid}-ftp"] = {"status": 301, "location": f"ftp://ftp.example.invalid/{cid}/plan.pdf"}
    links.append(f"<a href='/lc/r/{cid}-ftp'>ไปยัง ftp</a>")
    cid = w.case("redirects", "meta refresh to itself", False)
    w.page(f"/lc/r/{cid}-reload.html", "ข่าวล่าสุด", "",
           f"<meta http-equiv='refresh' content='60; url=/lc/r/{cid}-reload.html'>")
    links.append(f"<a href='/lc/r/{cid}-reload.html'>ข่าวที่โหลดใหม่เอง</a>")
    w.page("/lc/redirects.html", "การส่งต่อ", "\n".join(links))
    return "/lc/redirects.html"


# -- encodings --------------------------------------------------------------------------------------------


def _encodings(w: _Writer) -> list[str]:
    utf8 = []
    for broken in (False, True):
        path = w.named("encodings", "raw Thai path (utf-8 page)", broken, "/lc/e/{cid}-รายงานประจำปี.html")
        utf8.append(f"<a href='{path}'>รายงาน</a>")
        path = w.named("encodings", "percent-escaped Thai path (utf-8 page)", broken, "/lc/e/{cid}-แผนงาน.html")
        utf8.append(f"<a href='{quote(path)}'>แผนงาน</a>")
    w.page("/lc/enc-utf8.html", "ภาษาไทย UTF-8", "\n".join(utf8))
    thai = []
    for broken in (False, True):
        cid = w.case("encodings", "Thai query (windows-874 page)", broken)
        path = w.target(cid, "html", broken)
        thai.append(f"<a href='{path}?q=ประกาศจัดซื้อ&amp;ปี=2568'>ค้นหา</a>")
        path = w.named("encodings", "raw Thai path (windows-874 page)", broken, "/lc/e/{cid}-คู่มือ.html")
        thai.append(f"<a href='{path}'>คู่มือ</a>")
    w.page("/lc/enc-874.html", "ภาษาไทย windows-874", "\n".join(thai), encoding="windows-874")
    return ["/lc/enc-utf8.html", "/lc/enc-874.html"]


# -- malformed URLs ---------------------------------------------------------------------------------------


def _malformed(w: _Writer) -> str:
    links = []
    for name, url in (("file:// URL", "file:///C:/{cid}/plan.pdf"), ("http:// without a host", "http:///lc/{cid}.html"),
                      ("unbalanced IPv6 brackets", "http://[{cid}/plan.pdf"),
                      ("unknown scheme", "oitx://{cid}/plan.pdf")):
        cid = w.case("malformed", name, True)
        links.append(f"<a href='{url.format(cid=cid)}'>{name}</a>")
    for broken in (False, True):
        path = w.named("malformed", "spaces in the path", broken, "/lc/m/{cid} annual report.html")
        links.append(f"<a href='{path}'>มีช่องว่าง</a>")
    cid = w.case("malformed", "spaces around the URL", False)
    links.append(f"<a href='  {w.target(cid, 'html', False)}  '>ช่องว่างหน้าหลัง</a>")
    w.page("/lc/malformed.html", "ที่อยู่ผิดรูปแบบ", "\n".join(links))
    return "/lc/malformed.html"


def generate(out: Path) -> LinkPages:
    """Write the site into ``out/www`` and the planted cases into ``out/planted.json``."""
    www = out / "www"
    www.mkdir(parents=True, exist_ok=True)
    w = _Writer(www)
    sections = [_tags(w), _status(w), _redirects(w), *_encodings(w), _malformed(w)]
    w.page("/index.html", "ตรวจลิงก์", "\n".join(f"<a href='{path}'>{path}</a>" for path in sections))
    (www / "_routes.json").write_text(json.dumps(w.routes, ensure_ascii=False, indent=1, sort_keys=True), "utf-8")
    pages = LinkPages(www, w.cases)
    (out / "planted.json").write_text(json.dumps([asdict(c) for c in w.cases], ensure_ascii=False, indent=1),
                                      encoding="utf-8")
    return pages


def case_ids(url: str) -> set[str]:
    """The case ids in a URL as a tool reports it (raw, percent-escaped or otherwise normalised)."""
    return {f"lk{number}" for number in TOKEN.findall(url)}


if __name__ == "__main__":
    written = generate(Path(sys.argv[1]))
    print(f"{len(written.cases)} cases ({sum(c.broken for c in written.cases)} broken) in {written.root}")
