"""The link checker's manners, through the real spider: HEAD with a GET fallback, retries with backoff and
Retry-After, per-server politeness, and the failures that make a link broken.

Each crawl runs in a child process (Twisted's reactor starts once per process) against servers on
127.0.0.x that count every request they get (``SiteServer.hits``), so the tests can check what was asked,
with which method and when.
"""

from __future__ import annotations

import json
import socket
import ssl
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from oitcheck.middlewares import is_status_only, retry_after_seconds
from oitcheck.records import Role
from tests.conftest import audit
from tests.support.child_crawl import crawl_in_child
from tests.support.server import SiteServer
from tests.testbed.kit import SiteWriter

# Crawls the site and prints every record with the rules' verdict on its URL (AuditContext.link_state).
_CRAWL = """
import json, sys
from oitcheck.checks.links import link_state
from oitcheck.crawl import CrawlOptions, run_crawl

result = run_crawl(sys.argv[1], CrawlOptions(**json.loads(sys.argv[2])))
keep = ("url", "final_url", "redirects", "status", "error", "kind", "content_type", "external")
records = {r.url: {**{k: getattr(r, k, None) for k in keep}, "state": link_state(result.lookup(r.url), result)[0]}
           for r in [*result.resources, *result.pages]}
print(json.dumps({"duration_s": result.duration_s, "pages": len(result.pages), "records": records}))
"""


def crawl(url: str, **options: Any) -> dict[str, Any]:
    """Crawl ``url`` with the real spider in a child process; no OCR, no caches."""
    return crawl_in_child(_CRAWL, url, **options)


def home(site: SiteWriter, *links: str) -> None:
    anchors = "".join(f"<a href='{url}'>ลิงก์ {n}</a> " for n, url in enumerate(links))
    site.text("index.html", "<html><head><meta charset='utf-8'><title>เทศบาลตำบลทดสอบ</title></head>"
                            f"<body><h1>หน้าแรก</h1>{anchors}</body></html>")


def page(title: str) -> str:
    return f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><h1>{title}</h1></body></html>"




def gaps(hits: list[Any]) -> list[float]:
    return [later.at - earlier.at for earlier, later in zip(hits, hits[1:], strict=False)]


# -- HEAD ---------------------------------------------------------------------------------------


def test_status_only_links_are_the_ones_sent_as_head():
    assert is_status_only(Role.CHECK, "https://agency.example.org/news/1")
    assert is_status_only(Role.EXTERNAL, "https://cdn.example.com/video/clip.MP4")
    assert is_status_only(Role.EXTERNAL, "https://cdn.example.com/photo.jpg")
    assert not is_status_only(Role.EXTERNAL, "https://www.example.org/about")  # a page: its text may be evidence
    assert not is_status_only("document", "https://agency.example.org/o12.pdf")
    assert not is_status_only("image", "https://agency.example.org/eit-qr.png")  # homepage images: the EIT QR code
    assert not is_status_only("page", "https://agency.example.org/")
    assert not is_status_only("stylesheet", "https://agency.example.org/style.css")
    assert is_status_only("asset", "https://agency.example.org/js/app.js")  # homepage scripts: checked, not read


def test_host_refusing_head_is_checked_again_with_get(hosts):
    (site, server), (files, refusing), (other, polite) = hosts(3)
    files.path("media/clip.mp4").write_bytes(b"\0" * 2000)
    files.site["head"] = 405  # every path: HEAD is "Method Not Allowed", GET works
    files.finish()
    other.route("/media/clip.mp4", zeros=40 * 1024 * 1024, content_type="video/mp4")  # over the 5 MB page cap
    other.path("media/talk.mp3").write_bytes(b"\0" * 2000)
    other.route("/media/talk.mp3", head="drop", content_type="audio/mpeg")  # hangs up on HEAD, GET works
    other.finish()
    home(site, files.link("media/clip.mp4"), other.link("media/clip.mp4"), other.link("media/talk.mp3"))
    site.finish()
    records = crawl(server.url)["records"]
    refused = records[files.link("media/clip.mp4")]
    assert refused["status"] == 200 and refused["error"] is None and refused["state"] == "ok"
    assert refusing.methods("/media/clip.mp4") == ["HEAD", "GET"]
    dropped = records[other.link("media/talk.mp3")]
    assert dropped["status"] == 200 and dropped["error"] is None and dropped["state"] == "ok"
    assert polite.methods("/media/talk.mp3") == ["HEAD", "GET"]
    # A server that answers HEAD is asked once, and the 40 MB body is never downloaded (nor "too large").
    answered = records[other.link("media/clip.mp4")]
    assert answered["status"] == 200 and answered["error"] is None and answered["state"] == "ok"
    assert answered["content_type"] == "video/mp4"
    assert polite.methods("/media/clip.mp4") == ["HEAD"]


def test_links_past_the_page_cap_are_checked_with_head(hosts, tmp_path):
    (site, server), = hosts(1)
    for n in range(3):
        site.text(f"news/{n}.html", page(f"ข่าว {n}"))
    home(site, "/news/0.html", "/news/1.html", "/news/2.html", "/news/gone.html")
    site.finish()
    result, report = audit(server.url, tmp_path / "out", "--max-pages", "1", "--no-ocr")
    assert result.returncode == 0, result.stderr
    assert report["crawl"]["pages"] == 1 and report["crawl"]["beyond_cap"] == 4
    for n in range(3):
        assert server.methods(f"/news/{n}.html") == ["HEAD"]
    # A HEAD 404 is not believed until GET confirms it; then the link is broken.
    assert server.methods("/news/gone.html") == ["HEAD", "GET"]
    assert [(b["url"], b["status"]) for b in report["links"]["broken"]] == [(server.url + "news/gone.html", 404)]
    assert report["links"]["checked"] == 4


# -- retries ------------------------------------------------------------------------------------


def test_short_retry_after_is_waited_out_and_the_host_slowed(hosts):
    (site, server), = hosts(1)
    # The homepage answers 429 "come back in 2 s" once; the pages it links to are asked for after that.
    site.text("b.html", page("บี"))
    site.text("c.html", page("ซี"))
    home(site, "/b.html", "/c.html")
    site.route("/", status=429, retry_after=2, times=1, body=site.path("index.html").read_text("utf-8"))
    site.finish()
    data = crawl(server.url)
    assert data["records"][server.url]["status"] == 200 and data["pages"] == 3
    first, retry = server.hits["/"]
    assert [first.method, retry.method] == ["GET", "GET"] and retry.at - first.at >= 2.0
    # The server asked for 2 s between requests: the rest of the crawl keeps to it (AutoThrottle may not lower it).
    later = sorted([*server.hits["/b.html"], *server.hits["/c.html"]], key=lambda hit: hit.at)
    assert len(later) == 2 and min(gaps([retry, *later])) >= 1.9


@pytest.mark.parametrize("status", [429, 503])
def test_long_retry_after_is_not_waited_for_and_the_link_is_unknown(hosts, tmp_path, status):
    """429 "too many requests" or 503 "down for maintenance" with "come back in an hour": not a broken link."""
    (site, server), (files, limited) = hosts(2)
    files.route("/report.html", status=status, retry_after=3600, body=page("Come back later"))
    files.finish()
    home(site, files.link("report.html"))
    site.finish()
    data = crawl(server.url)
    record = data["records"][files.link("report.html")]
    assert record["status"] == status and record["state"] == "unknown"
    assert limited.methods("/report.html") == ["GET"]  # given up at once: no retry, no hour-long wait
    # In the report: checked, not broken.
    result, report = audit(server.url, tmp_path / "out", "--no-ocr", "--no-cache")
    assert result.returncode == 0, result.stderr
    assert report["links"]["broken"] == [] and report["links"]["checked"] == 1
    unknown, = report["links"]["unknown"]  # listed apart, for staff to open by hand
    assert unknown["url"] == files.link("report.html") and f"({status})" in unknown["reason"]


def test_503_twice_then_ok_after_backoff(hosts):
    (site, server), (files, flaky) = hosts(2)
    files.route("/o12.html", status=503, times=2, body=page("สรุปผลการจัดซื้อจัดจ้าง"))
    files.finish()
    home(site, files.link("o12.html"))
    site.finish()
    record = crawl(server.url)["records"][files.link("o12.html")]
    assert record["status"] == 200 and record["state"] == "ok"
    hits = flaky.hits["/o12.html"]
    assert len(hits) == 3
    waits = gaps(hits)  # the default backoff: 0.5 s, then 1 s
    assert waits[0] >= 0.45 and waits[1] >= 0.95


def test_slow_host_times_out_after_retries(hosts):
    (site, server), (files, slow) = hosts(2)
    files.route("/slow.html", delay=2.5, body=page("ช้า"))
    files.finish()
    home(site, files.link("slow.html"))
    site.finish()
    data = crawl(server.url, timeout=1.0)
    record = data["records"][files.link("slow.html")]
    assert record["error"] == "timeout" and record["state"] == "broken"
    assert slow.methods("/slow.html") == ["GET"] * 3  # the first try and RETRY_TIMES (2) retries


# -- failures -----------------------------------------------------------------------------------


def test_redirect_loop_and_dead_port_are_broken(hosts):
    (site, server), (files, looping) = hosts(2)
    files.route("/loop", status=302, location="/loop")
    files.finish()
    with socket.socket() as probe:  # a port nobody listens on (closed right away)
        probe.bind(("127.0.0.2", 0))
        dead = f"http://127.0.0.2:{probe.getsockname()[1]}/plan.pdf"
    home(site, files.link("loop"), dead)
    site.finish()
    records = crawl(server.url)["records"]
    loop = records[files.link("loop")]
    assert loop["error"] == "redirect_loop" and loop["state"] == "broken"
    assert records[dead]["error"] == "refused" and records[dead]["state"] == "broken"
    assert len(looping.hits["/loop"]) == 2  # back to itself once (a cookie check would), again: a loop


# -- politeness -----------------------------------------------------------------------------------


def test_two_hosts_are_crawled_side_by_side_within_per_server_limits(hosts):
    (site, server), (files, other) = hosts(2)
    for n in range(16):
        site.route(f"/p{n}.html", delay=0.2, body=page(f"หน้า {n}"))
        files.route(f"/f{n}.html", delay=0.2, body=page(f"ไฟล์ {n}"))
    files.finish()
    home(site, *(f"/p{n}.html" for n in range(16)), *(files.link(f"f{n}.html") for n in range(16)))
    site.finish()
    data = crawl(server.url)
    assert all(data["records"][files.link(f"f{n}.html")]["status"] == 200 for n in range(16))
    assert server.max_in_flight <= 4 and other.max_in_flight <= 4
    # Side by side: the other host was being checked while the site was still being crawled.
    own, theirs = [h.at for h in server.hits["/p15.html"]], [h.at for h in other.hits["/f0.html"]]
    assert theirs[0] < own[-1]


# Crawls the site and prints the download slot each URL was fetched in.
_SLOTS = """
import json, sys
from scrapy import signals
from scrapy.crawler import CrawlerProcess
from oitcheck.crawl import CrawlOptions, build_settings
from oitcheck.spiders.site import SiteSpider

slots = {}

def reached(request, spider):
    slots[request.url] = request.meta.get("download_slot")

process = CrawlerProcess(build_settings(CrawlOptions(allow_private=True, ocr=False, cache_dir="")))
crawler = process.create_crawler(SiteSpider)
crawler.signals.connect(reached, signal=signals.request_reached_downloader)
process.crawl(crawler, start_url=sys.argv[1])
process.start()
print(json.dumps(slots))
"""


def test_two_names_of_one_server_share_its_slot(hosts):
    try:
        if socket.gethostbyname("localhost") != "127.0.0.1":
            pytest.skip("localhost is not 127.0.0.1 here")
    except OSError:
        pytest.skip("localhost does not resolve here")
    (site, server), = hosts(1)
    port = server.httpd.server_address[1]
    for n in range(24):
        site.route(f"/p{n}.html", delay=0.3, body=page(f"หน้า {n}"))
    # Half the links name the server "localhost": shared hosting, where many names are one machine.
    urls = [f"http://{'localhost' if n % 2 else '127.0.0.1'}:{port}/p{n}.html" for n in range(24)]
    home(site, *urls)
    site.finish()
    done = subprocess.run([sys.executable, "-c", _SLOTS, server.url], capture_output=True, text=True, timeout=180,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-3000:]
    slots = json.loads(done.stdout)
    # Every request, by either name, from the first on, went through the server's one slot (its address).
    assert {slots[url] for url in urls} == {"127.0.0.1"}
    assert all(len(server.hits[f"/p{n}.html"]) == 1 for n in range(24))
    assert server.max_in_flight <= 4


# -- helpers ------------------------------------------------------------------------------------


def test_retry_after_header_in_seconds_or_as_a_date():
    from datetime import UTC, datetime

    now = datetime(2025, 3, 15, 8, 0, 0, tzinfo=UTC)
    assert retry_after_seconds(b"120") == 120
    assert retry_after_seconds(" 2 ") == 2
    assert retry_after_seconds("Sat, 15 Mar 2025 08:00:30 GMT", now=now) == 30
    assert retry_after_seconds("Sat, 15 Mar 2025 07:00:00 GMT", now=now) == 0  # already past
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_server_counts_requests_and_answers_the_first_ones_with_the_route_status(tmp_path):
    import urllib.error
    import urllib.request

    site = SiteWriter(tmp_path, "")
    site.text("a.html", page("เอ"))
    site.route("/a.html", status=429, retry_after=7, times=1)
    site.route("/b.html", head=405, body=page("บี"))
    site.finish()
    with SiteServer(tmp_path) as server:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(server.url + "a.html")
        assert refused.value.code == 429 and refused.value.headers["Retry-After"] == "7"
        assert b"<h1>" in urllib.request.urlopen(server.url + "a.html").read()  # past "times": the file, 200
        with pytest.raises(urllib.error.HTTPError) as head:
            urllib.request.urlopen(urllib.request.Request(server.url + "b.html", method="HEAD"))
        assert head.value.code == 405
        assert urllib.request.urlopen(server.url + "b.html").status == 200
        assert server.methods("/a.html") == ["GET", "GET"] and server.methods("/b.html") == ["HEAD", "GET"]


# --- TLS: verified like a browser; --insecure-tls reads on and reports the certificate ----------------
def _self_signed(folder: Path) -> ssl.SSLContext:
    """A server context with a self-signed certificate for 127.0.0.1 (a browser would refuse it)."""
    from datetime import UTC, datetime, timedelta
    from ipaddress import IPv4Address

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(IPv4Address("127.0.0.1"))]), critical=False)
            .sign(key, hashes.SHA256()))
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                       serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return context


def test_a_bad_certificate_is_a_tls_failure_unless_insecure_tls(tmp_path: Path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html><head><meta charset='utf-8'><title>เทศบาลตำบลทดสอบ</title></head>"
                                     "<body><a href='/o1.html'>โครงสร้างและอำนาจหน้าที่</a></body></html>",
                                     encoding="utf-8")
    (site / "o1.html").write_text("<html><head><title>โครงสร้าง</title></head><body>แผนผังโครงสร้าง</body></html>",
                                  encoding="utf-8")
    with SiteServer(site, tls=_self_signed(tmp_path)) as server:
        assert server.url.startswith("https://")
        refused, _ = audit(server.url, tmp_path / "strict")
        read, report = audit(server.url, tmp_path / "insecure", "--insecure-tls")
    assert refused.returncode == 3 and "TLS certificate is not valid" in refused.stderr
    assert not (tmp_path / "strict" / "report.json").exists()
    assert read.returncode == 0, read.stderr
    assert report["crawl"]["pages"] == 2
    assert [t["host"] for t in report["links"]["tls"]] == ["127.0.0.1"]
    assert "self" in report["links"]["tls"][0]["error"].lower()  # "self-signed certificate"
    assert "--insecure-tls" in (tmp_path / "insecure" / "report.html").read_text(encoding="utf-8")


def test_homepage_pictures_stylesheets_and_scripts_are_checked_and_listed_when_broken(hosts, tmp_path):
    (site, server), = hosts(1)
    site.text("js/app.js", "console.log('ok');")
    site.text("index.html", "<html><head><meta charset='utf-8'><title>เทศบาลตำบลทดสอบ</title>"
                            "<link rel='stylesheet' href='/css/gone.css'><script src='/js/app.js'></script>"
                            "<script src='/js/gone.js'></script></head><body><h1>หน้าแรก</h1>"
                            "<img src='/img/gone.png' alt='ป้ายประชาสัมพันธ์'></body></html>")
    site.finish()
    # --no-render: this homepage is empty but for its scripts, so a browser would render it and run them (read them)
    result, report = audit(server.url, tmp_path / "out", "--no-ocr", "--no-render")
    assert result.returncode == 0, result.stderr
    broken = {b["url"].removeprefix(server.url): (b["status"], b["text"], b["found_on"])
              for b in report["links"]["broken"]}
    assert broken == {"css/gone.css": (404, "(stylesheet)", [server.url]),
                      "js/gone.js": (404, "(script)", [server.url]),
                      "img/gone.png": (404, "ป้ายประชาสัมพันธ์", [server.url])}
    assert server.methods("/js/app.js") == ["HEAD"]  # a script is only checked, never read
