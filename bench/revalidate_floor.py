"""The peer of bench/incremental.py's second night: plain Scrapy asking the same URLs "has it changed?" through its
own HTTP cache middleware and filesystem storage (with oitcheck's always-revalidate policy: Scrapy's RFC 2616 one
would serve them from the cache unasked), a callback that does nothing, Scrapy's default components otherwise.
No parsing, rules or reports: what a re-audit costs before oitcheck does any work of its own.

    python -m bench.revalidate_floor URLS_FILE CACHE_DIR    # prints one JSON line: requests, revalidated, cpu_s

Run twice with one cache folder: the first fills it, the second is the measure."""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path

import scrapy
from scrapy.crawler import CrawlerProcess


class Revalidate(scrapy.Spider):
    name = "revalidate"

    def __init__(self, urls: str = "", **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.urls = Path(urls).read_text(encoding="utf-8").split()

    async def start(self):  # noqa: ANN201 - Scrapy's start hook
        for url in self.urls:
            yield scrapy.Request(url, callback=self.parse, errback=self.failed)

    def parse(self, response: scrapy.http.Response) -> None:
        return None

    def failed(self, failure: object) -> None:
        return None


def main(urls: str, cache: str) -> int:
    process = CrawlerProcess({
        "HTTPCACHE_ENABLED": True, "HTTPCACHE_DIR": cache, "HTTPCACHE_POLICY": "oitcheck.httpcache.RevalidatePolicy",
        "LOG_LEVEL": "ERROR", "TELNETCONSOLE_ENABLED": False, "REMOTE_CONTROL_ENABLED": False,
        "HTTPERROR_ALLOW_ALL": True, "RETRY_ENABLED": False, "CONCURRENT_REQUESTS_PER_DOMAIN": 4,
    })
    crawler = process.create_crawler(Revalidate)
    process.crawl(crawler, urls=urls)
    process.start()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    stats = crawler.stats
    print(json.dumps({"requests": stats.get_value("downloader/request_count", 0),
                      "revalidated": stats.get_value("httpcache/revalidate", 0),
                      "cpu_s": round(usage.ru_utime + usage.ru_stime, 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
