"""Spiders: the crawl of one agency website."""
