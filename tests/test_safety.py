"""The private-address guard and URL normalisation (no traffic leaves the machine)."""

from __future__ import annotations

from datetime import date

import pytest
from freezegun import freeze_time
from scrapy import Request

from oitcheck.errors import BadInput
from oitcheck.fiscal import fiscal_year, today
from oitcheck.middlewares import PrivateAddressMiddleware, PrivateAddressRefused
from oitcheck.net import AddressPolicy, is_private_ip, normalise_start_url, site_of


@pytest.mark.parametrize("address", ["10.1.2.3", "172.16.0.1", "192.168.1.1", "127.0.0.1", "169.254.169.254",
                                     "::1", "fe80::1", "fe80::1%eth0", "0.0.0.0", "::ffff:192.168.1.1",
                                     "::ffff:127.0.0.1", "2002:7f00:1::", "64:ff9b::a00:1", "::7f00:1", "fd12::1",
                                     "100.64.0.1", "224.0.0.1"])
def test_private_addresses(address):
    assert is_private_ip(address)


@pytest.mark.parametrize("address", ["164.115.22.1", "8.8.8.8", "2001:4860:4860::8888", "::ffff:8.8.8.8",
                                     "2002:808:808::1", "64:ff9b::808:808"])
def test_public_addresses(address):
    assert not is_private_ip(address)


@pytest.mark.parametrize("url", ["http://192.168.1.1/admin", "http://169.254.169.254/latest/meta-data/",
                                 "http://127.0.0.2:8080/x.pdf", "http://[::1]/"])
def test_middleware_refuses_private_targets(url):
    with pytest.raises(PrivateAddressRefused, match="resolves to the private address"):
        PrivateAddressMiddleware(AddressPolicy()).process_request(Request(url))


def test_middleware_allows_private_targets_when_told():
    middleware = PrivateAddressMiddleware(AddressPolicy(allow_private=True))
    assert middleware.process_request(Request("http://127.0.0.1/")) is None


def test_allowed_networks_let_their_addresses_through_and_no_other():
    policy = AddressPolicy.of(False, ["127.0.0.1/32", "10.20.0.0/16", "fd00:1::/32"])
    assert not policy.refuses("127.0.0.1") and not policy.refuses("10.20.3.4") and not policy.refuses("fd00:1::5")
    assert not policy.refuses("::ffff:127.0.0.1")  # the IPv4-mapped form of an allowed address is that address
    assert policy.refuses("127.0.0.2") and policy.refuses("10.21.0.1") and policy.refuses("::1")
    assert policy.refuses("::ffff:127.0.0.2") and policy.refuses("fd00:2::1")
    assert not policy.refuses("8.8.8.8")  # public addresses need no permission
    assert policy.refused_among(["8.8.8.8", "127.0.0.1", "192.168.1.5"]) == "192.168.1.5"  # one is enough
    assert policy.refused_among(["8.8.8.8", "127.0.0.1"]) is None
    assert AddressPolicy(allow_private=True).refused_among(["127.0.0.2", "::1"]) is None
    assert AddressPolicy().refuses("not-an-address")


def test_allowed_networks_from_the_environment(monkeypatch):
    monkeypatch.setenv("OITCHECK_ALLOWED_NETWORKS", "127.0.0.1/32, 10.0.0.0/8")
    policy = AddressPolicy.of(False, ["192.168.7.0/24"])
    assert not any(policy.refuses(a) for a in ("127.0.0.1", "10.9.9.9", "192.168.7.7"))
    assert policy.refuses("127.0.0.2")
    monkeypatch.setenv("OITCHECK_ALLOWED_NETWORKS", "10.0.0.0/8 intranet")
    with pytest.raises(BadInput, match="intranet"):
        AddressPolicy.of(False)


def test_middleware_uses_the_allowed_networks():
    middleware = PrivateAddressMiddleware(AddressPolicy.of(False, ["127.0.0.1/32"]))
    assert middleware.process_request(Request("http://127.0.0.1:8080/ita")) is None
    with pytest.raises(PrivateAddressRefused, match=r"127\.0\.0\.2 resolves to the private address 127\.0\.0\.2"):
        middleware.process_request(Request("http://127.0.0.2:8080/ita"))


def test_start_url_normalisation():
    assert normalise_start_url("  www.agency.example.org ") == "http://www.agency.example.org/"
    assert normalise_start_url("https://ลำพูน.go.th/ita#x") == "https://" + "ลำพูน".encode("idna").decode() + ".go.th/ita"
    with pytest.raises(BadInput):
        normalise_start_url("mailto:saraban@x.go.th")


def test_site_identity_ignores_www_and_scheme():
    assert site_of("https://www.agency.example.org/a") == site_of("http://agency.example.org/b") == "agency.example.org"
    assert site_of("http://127.0.0.1:8001/") != site_of("http://127.0.0.1:8002/")


@freeze_time("2025-10-02 01:00:00", tz_offset=0)
def test_default_as_of_is_bangkok_today_and_its_fiscal_year():
    assert today() == date(2025, 10, 2)
    assert fiscal_year(today()) == 2569


def test_the_start_url_is_checked_by_the_crawls_own_rules(tmp_path, monkeypatch):
    """``prepare`` refuses a private start host early (exit 2, before any crawl) by the rules the crawl
    applies: an allowed network passes, every other private address is still refused."""
    from oitcheck.audit import AuditRequest, prepare
    from oitcheck.crawl import CrawlOptions

    with pytest.raises(BadInput, match=r"127\.0\.0\.1 is a private address \(127\.0\.0\.1\).*--allow-private"):
        prepare(AuditRequest(url="http://127.0.0.1:9/", out=tmp_path / "a"))
    monkeypatch.setenv("OITCHECK_ALLOWED_NETWORKS", "127.0.0.1/32")
    assert prepare(AuditRequest(url="http://127.0.0.1:9/", out=tmp_path / "b")).url == "http://127.0.0.1:9/"
    with pytest.raises(BadInput, match="127.0.0.2"):
        prepare(AuditRequest(url="http://127.0.0.2:9/", out=tmp_path / "c"))
    with pytest.raises(BadInput, match=r"\[::1\]|::1"):
        prepare(AuditRequest(url="http://[::1]:9/", out=tmp_path / "d"))
    allowed = AuditRequest(url="http://127.0.0.2:9/", out=tmp_path / "e", crawl=CrawlOptions(allow_private=True))
    assert prepare(allowed).url == "http://127.0.0.2:9/"
    monkeypatch.setenv("OITCHECK_ALLOWED_NETWORKS", "intranet")
    with pytest.raises(BadInput, match="not a network"):
        prepare(AuditRequest(url="http://127.0.0.1:9/", out=tmp_path / "f"))


def test_nothing_outside_an_audit_can_drive_it():
    """Scrapy's remote control (on by default since 2.19: a local server that runs any Python code sent with the
    token it writes to a job file in the user's state folder) and its telnet console are off in every crawl."""
    from oitcheck.crawl import CrawlOptions, build_settings

    settings = build_settings(CrawlOptions())
    assert not settings.getbool("REMOTE_CONTROL_ENABLED") and not settings.getbool("TELNETCONSOLE_ENABLED")
