"""Scrapy settings of the Scrapyd project ``oitcheck``: oitcheck's own, with the one spider a node runs."""

from oitcheck.settings import *  # noqa: F403 - the same base settings as every oitcheck crawl

SPIDER_MODULES = ["oitcheck.node.spider"]
NEWSPIDER_MODULE = "oitcheck.node.spider"
LOG_LEVEL = "INFO"  # Scrapyd keeps each job's log: the job's start, heartbeat losses and end are in it
