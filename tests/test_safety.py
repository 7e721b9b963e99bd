"""The private-address guard and URL normalisation (no traffic leaves the machine)."""

from __future__ import annotations

from datetime import date

import pytest
from freezegun import freeze_time
from scrapy import Request

from oitcheck.audit import today
from oitcheck.errors import BadInput
from oitcheck.fiscal import fiscal_year
from oitcheck.middlewares import PrivateAddressMiddleware, PrivateAddressRefused
from oitcheck.net import is_private_ip, normalise_start_url, site_of


@pytest.mark.parametrize("address", ["10.1.2.3", "172.16.0.1", "192.168.1.1", "127.0.0.1", "169.254.169.254",
                                     "::1", "fe80::1", "0.0.0.0", "::ffff:192.168.1.1"])
def test_private_addresses(address):
    assert is_private_ip(address)


@pytest.mark.parametrize("address", ["164.115.22.1", "8.8.8.8", "2001:4860:4860::8888"])
def test_public_addresses(address):
    assert not is_private_ip(address)


@pytest.mark.parametrize("url", ["http://192.168.1.1/admin", "http://169.254.169.254/latest/meta-data/",
                                 "http://127.0.0.2:8080/x.pdf", "http://[::1]/"])
def test_middleware_refuses_private_targets(url):
    with pytest.raises(PrivateAddressRefused):
        PrivateAddressMiddleware(allow_private=False).process_request(Request(url))


def test_middleware_allows_private_targets_when_told():
    assert PrivateAddressMiddleware(allow_private=True).process_request(Request("http://127.0.0.1/")) is None


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
