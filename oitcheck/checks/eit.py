"""o4 (b): the agency's EIT survey link or QR code on the homepage.

Judged by its target (``https://itas.nacc.go.th/go/eit/<code>``), never fetched: the survey is open
only during the assessment window. Most agencies show it only as a QR image, so decoded QR codes
from homepage images count as much as links and plain text.
"""

from __future__ import annotations

import re
from typing import Any

from oitcheck.checks.base import AuditContext, ComponentCheck, ComponentResult, Finding
from oitcheck.checks.checklist import Component, Item
from oitcheck.checks.evidence import Candidate

EIT_URL = re.compile(r"https?://itas\.nacc\.go\.th/go/eit/[A-Za-z0-9]{4,12}/?(?![\w/])", re.I)
ITAS_URL = re.compile(r"https?://itas\.nacc\.go\.th/[^\s\"'<>]*", re.I)
EIT_HINT = re.compile(r"\b(eit|ita)\b|ประเมิน|คุณธรรมและความโปร่งใส", re.I)


def find_eit(ctx: AuditContext) -> dict[str, Any]:
    """``{"found", "url", "via", "wrong": [...]}`` for the homepage (contract: ``homepage.eit``)."""
    homepage = ctx.crawl.homepage
    found: dict[str, Any] = {"found": False, "url": None, "via": None, "wrong": []}
    if not homepage or homepage.get("error"):
        return found
    for link in homepage.get("links", []):
        if EIT_URL.fullmatch(link["url"].rstrip("/")) or EIT_URL.match(link["url"]):
            return {**found, "found": True, "url": link["url"], "via": "link"}
        if ITAS_URL.match(link["url"]):
            found["wrong"].append({"url": link["url"], "via": "link"})
    for image in homepage.get("images", []):
        record = ctx.record(image["url"]) or {}
        for qr in record.get("qr") or []:
            data = qr["data"].strip()
            if EIT_URL.match(data):
                return {**found, "found": True, "url": data, "via": "qr", "image": image["url"]}
            if ITAS_URL.match(data) or EIT_HINT.search(f"{image.get('alt', '')} {image['url']}"):
                found["wrong"].append({"url": data, "via": "qr", "image": image["url"]})
    text_match = EIT_URL.search(homepage.get("text") or "")
    if text_match:
        return {**found, "found": True, "url": text_match.group(0), "via": "text"}
    return found


class EitCheck(ComponentCheck):
    """The EIT QR or link must be on the homepage and point to the agency's EIT survey."""

    name = "eit"

    def check(self, ctx: AuditContext, item: Item, component: Component) -> ComponentResult:
        eit = find_eit(ctx)
        home = ctx.crawl.start_url
        if eit["found"]:
            return ComponentResult(component, "ok", [Candidate(item.id, eit["url"], eit["via"], eit["url"], 0, 0)])
        result = ComponentResult(component, "fail")
        if eit["wrong"]:
            wrong = eit["wrong"][0]
            result.findings.append(Finding("qr_wrong_target", ctx.message("qr_wrong_target", url=wrong["url"]),
                                           url=wrong.get("image") or home, extra={"target": wrong["url"]}))
        else:
            result.findings.append(Finding("qr_missing", ctx.message("qr_missing"), url=home))
        return result
