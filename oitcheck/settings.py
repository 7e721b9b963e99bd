"""Scrapy settings for oitcheck's crawl (the ``scrapy.cfg`` default settings module).

Polite by default: one agency server is often a small shared host, so robots.txt is obeyed,
AutoThrottle adapts to the server, and concurrency per site is low. Per-run values (page cap,
private-address permission, limits) are layered on top by ``oitcheck.crawl``.

This module is the one place for the crawl's defaults: ``CrawlOptions`` and the command line's option
defaults and help text read them from here, and the spider takes its caps and quotas from these settings.
"""

BOT_NAME = "oitcheck"
SPIDER_MODULES = ["oitcheck.spiders"]
NEWSPIDER_MODULE = "oitcheck.spiders"

USER_AGENT = "oitcheck/0.1 (+https://github.com/oitcheck/oitcheck; ITA OIT self-audit)"
ROBOTSTXT_OBEY = True

CONCURRENT_REQUESTS = 16
# Outputs of one callback processed at once. Scrapy starts this many asyncio tasks for every response
# (default 100: an eighth of the crawl process's CPU on a 2,000-page site, bench/); a page yields an item and a few
# requests, and the pipelines' document reads are awaited, so a handful is plenty.
CONCURRENT_ITEMS = 4
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# Agencies on shared hosting share one server: download slots are keyed by its IP address (oitcheck.slots),
# so a site and its links to other names of the same server share these 4 (and AutoThrottle's delay).
# Not Scrapy's CONCURRENT_REQUESTS_PER_IP: its default queue (which keeps a slow host from taking every
# download) refuses that setting; AddressAwarePriorityQueue is that queue, filing requests by address.
OITCHECK_SLOTS_BY_IP = True
SCHEDULER_PRIORITY_QUEUE = "oitcheck.slots.AddressAwarePriorityQueue"
DOWNLOAD_DELAY = 0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.25
AUTOTHROTTLE_MAX_DELAY = 10.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

DOWNLOAD_TIMEOUT = 20
RETRY_ENABLED = True
RETRY_TIMES = 2
# A 500 from an agency CMS is nearly always deterministic; retry only what is usually transient.
RETRY_HTTP_CODES = [502, 503, 504, 522, 524, 408, 429]
# Timeouts and dropped connections; not refused connections or unknown hosts (they do not get better in a
# second), unlike Scrapy's default list.
RETRY_EXCEPTIONS = [
    "scrapy.exceptions.DownloadTimeoutError",
    "scrapy.exceptions.DownloadFailedError",
    "scrapy.exceptions.ResponseDataLossError",
    "twisted.internet.error.ConnectionDone",
    "twisted.internet.error.ConnectionLost",
    "twisted.internet.error.ConnectError",
    "twisted.internet.error.TimeoutError",
    "scrapy.core.downloader.handlers.http11.TunnelError",
]
DOWNLOAD_MAXSIZE = 30 * 1024 * 1024
DOWNLOAD_WARNSIZE = 0
HTTPERROR_ALLOW_ALL = True
COOKIES_ENABLED = True
# No way into a running audit from outside: Scrapy's telnet console, and its remote control (on by default since
# Scrapy 2.19: a local HTTP server that runs any Python code sent with the token it writes to a job file in the
# user's home). An audit reads hostile sites; nothing else on the machine should be able to drive it.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
DNS_TIMEOUT = 10

# Breadth-first, so click depth is the shortest path and a page cap keeps the shallow pages.
DEPTH_LIMIT = 8
DEPTH_PRIORITY = 1
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"

# Certificates are verified like a browser does (Scrapy's default does not verify): a bad certificate is the
# link's failure, "tls". --insecure-tls switches to the non-verifying factory and reports certificates aside.
DOWNLOADER_CLIENTCONTEXTFACTORY = "scrapy.core.downloader.contextfactory.BrowserLikeContextFactory"
OITCHECK_INSECURE_TLS = False

DOWNLOADER_MIDDLEWARES = {
    "oitcheck.middlewares.PrivateAddressMiddleware": 50,
    "oitcheck.middlewares.CertificateCheckMiddleware": 580,
    "oitcheck.slots.AddressSlotMiddleware": 60,
    "oitcheck.budgets.HostBudgetMiddleware": 70,  # sees timeouts after the retries (550) gave up
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "oitcheck.robots.BoundedRobotsTxtMiddleware": 100,  # Scrapy's own place for it (robots.txt size bound)
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "oitcheck.middlewares.PoliteRetryMiddleware": 550,
    "oitcheck.middlewares.HeadFallbackMiddleware": 560,  # after redirects (600) are followed, before retries
    "oitcheck.middlewares.ThaiEncodingMiddleware": 585,  # after HttpCompression (590) decompressed
    # Link check (oitcheck.redirects, oitcheck.sizecap): Scrapy's redirects, meta refresh and decompression,
    # in the same places, with loops, non-web targets, self-refreshes and oversized bodies told apart.
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "oitcheck.redirects.RedirectMiddleware": 600,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "oitcheck.redirects.MetaRefreshMiddleware": 580,
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "oitcheck.sizecap.CappedHttpCompressionMiddleware": 590,
    # Conditional requests (oitcheck.httpcache): Scrapy's place for its cache (900), nearest the network, so the
    # guard (50), robots.txt (100), retries, redirects, the size cap and decompression all see a 304's stored
    # answer exactly as they would see the download it stands for.
    "scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware": None,
    "oitcheck.httpcache.RevalidatingCacheMiddleware": 900,
    # Off: the spider follows other hosts' links on purpose (no allowed_domains; oitcheck.budgets bounds them) and
    # never logs in (no http_user); each would cost two middleware calls on every request of every night.
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
}
# Pages empty without JavaScript are fetched again through a headless browser (oitcheck.render); before Scrapy's
# DepthMiddleware (900) in the output order, so the page's second request keeps its depth.
SPIDER_MIDDLEWARES = {
    "oitcheck.render.RenderMiddleware": 100,
    # Off: a development aid (warns when a spider copies Scrapy's internal meta keys), a call on every output.
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
}
ITEM_PIPELINES = {
    "oitcheck.pipelines.DocumentPipeline": 300,
    "oitcheck.pipelines.LinkCachePipeline": 400,
}
# Scrapy's downloader with a gate that Ctrl-C closes: no request leaves after it (oitcheck.interrupt).
DOWNLOADER = "oitcheck.interrupt.HaltingDownloader"

EXTENSIONS = {
    "oitcheck.extensions.ProgressLine": 500,
    "oitcheck.sizecap.DownloadSizeCap": 100,  # a body past its cap is cut there, its answer kept (link check)
    "oitcheck.httpcache.TransferCounter": 110,  # bytes received, for the report's crawl block
    # AutoThrottle, with a 304 (a re-audit's usual answer) allowed to lower the delay as a 200 does
    "scrapy.extensions.throttle.AutoThrottle": None,
    "oitcheck.httpcache.RevalidationAwareThrottle": 0,
}

LOG_LEVEL = "ERROR"
# Scrapy re-reads the callback's source on every response to warn about generator return values:
# about 15% of crawl time on a 2,000-page site (bench/), for a warning this spider cannot trigger.
WARN_ON_GENERATOR_RETURN_VALUE = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"

# oitcheck's own settings (overridden per run by oitcheck.crawl)
OITCHECK_ALLOW_PRIVATE = False

# Private addresses
# Every connection's host is looked up by oitcheck's resolver, which refuses private, loopback, link-local and
# other non-public answers (unless --allow-private) and hands Twisted only the addresses it checked, so the
# address checked is the address connected to (a name that answers a public address first and 127.0.0.1 next
# gains nothing). Scrapy's DNSCACHE_* settings size its cache of checked answers.
TWISTED_DNS_RESOLVER = "oitcheck.resolver.GuardedResolver"
# Private networks (CIDR blocks, e.g. ["10.20.0.0/16"]) allowed without --allow-private: an intranet server
# the audit may read, while every other private address stays refused. The environment variable
# OITCHECK_ALLOWED_NETWORKS (comma- or space-separated) adds to this list for every command.
OITCHECK_ALLOWED_NETWORKS: list[str] = []
OITCHECK_MAX_PAGES = 2000
OITCHECK_MAX_DOCUMENTS = 1000
# Links past the page cap are still checked (status only, not parsed or followed), up to this many.
OITCHECK_MAX_CHECKS = 10000
OITCHECK_PAGE_MAXSIZE = 5 * 1024 * 1024
# The homepage (and the pages in its frames) is read closely for the EIT QR code: at most this many of its
# pictures, of its stylesheets, of the pictures those stylesheets name, and of its scripts are fetched.
OITCHECK_HOMEPAGE_IMAGES = 400
OITCHECK_HOMEPAGE_STYLESHEETS = 20
OITCHECK_STYLESHEET_IMAGES = 100
OITCHECK_HOMEPAGE_ASSETS = 100
# A frameset's frame may itself be a frameset: frames this many levels deep are read as the homepage.
OITCHECK_MAX_FRAME_LEVELS = 2
# Hosts asked for a URL that cannot exist (their soft-404 answer), at most.
OITCHECK_MAX_PROBES = 50
# The audited site answers a wrong URL according to its shape (an unknown folder with the homepage, an unknown
# .php with a 404): it is probed once per shape its links use (folder, each extension, each script with its
# parameter names), up to this many probes (oitcheck.spiders.probes).
OITCHECK_PROBES_PER_HOST = 8
# URLs judged by their target, never fetched: the EIT/IIT survey opens only in the assessment window.
OITCHECK_NEVER_FETCH = [r"^https?://itas\.nacc\.go\.th/"]
# Pinned evidence (oitcheck pin, set per run from the history store): URLs fetched and read on every run whether
# or not the site links them, on any host, under the address policy, robots.txt, size caps and host quotas
# (oitcheck.spiders.pinned).
OITCHECK_PINNED: list[str] = []
# False: fetch only the start URL and what shows on it (its pictures, stylesheets and frames), as
# ``oitcheck inspect`` does for one page; no link is followed or checked and no soft-404 probe is sent.
OITCHECK_FOLLOW_LINKS = True
OITCHECK_PROGRESS = False
# audit-many's hard stop per agency (seconds): after this the agency's audit process and everything it started
# (its extraction workers) are killed and the agency is listed as not audited, "time limit", so one stalled
# site never holds up a province's run.
OITCHECK_AGENCY_TIME_LIMIT = 3 * 60 * 60
OITCHECK_PROGRESS_INTERVAL = 2.0
# Document extraction (oitcheck.extract.workers): separate processes with a time and memory limit per file.
# One worker: the crawl holds one core and the worker the other on a 2-core machine; each worker costs
# ~80 MB (bench/), and Tesseract runs its own threads for OCR.
OITCHECK_WORKERS = 1
OITCHECK_DOCUMENT_SECONDS = 30.0
OITCHECK_WORKER_MEMORY_MB = 2048
# HTML pages are parsed in a worker process of their own: parsing is most of the crawl's CPU (bench/), so it
# runs on the second core beside Scrapy's networking, and a page that hangs the parser is only that page.
OITCHECK_PARSE_IN_WORKER = True
OITCHECK_PAGE_SECONDS = 20.0
# OCR of scanned or garbled PDF pages (Tesseract, tha+eng), capped per document.
OITCHECK_OCR = True
OITCHECK_OCR_MAX_PAGES = 5
OITCHECK_OCR_SECONDS = 90.0
# Where OCR results are kept between runs, by file hash; None: the default (~/.cache/oitcheck), "": no cache.
OITCHECK_CACHE_DIR = None
# Nightly re-audits (oitcheck.httpcache): every URL answered with an ETag or Last-Modified is kept in the cache
# folder's httpcache/ and asked for again with If-None-Match / If-Modified-Since, never trusted unasked; a 304 gives
# the stored answer, and what was extracted from it is reused (by content hash). Off with --no-cache.
HTTPCACHE_ENABLED = True
HTTPCACHE_POLICY = "oitcheck.httpcache.RevalidatePolicy"
HTTPCACHE_STORAGE = "oitcheck.httpcache.AtomicFilesystemCacheStorage"
# An entry no run has confirmed for this long is dropped (a nightly run confirms it every night).
HTTPCACHE_EXPIRATION_SECS = 14 * 86400
# The HTTP cache's size bound in bytes (0: none): the entries confirmed longest ago are dropped after a crawl.
# One agency's site is typically 10-200 MB with its documents: a province's audit-many wants a larger bound
# (--http-cache-mb), or each agency's entries are dropped before its next night.
OITCHECK_HTTP_CACHE_BYTES = 1024 ** 3
# The bound is checked by walking the whole cache at the end of a crawl, at most once in this many seconds (the
# agencies of one audit-many share the cache: each one's end would walk every agency's entries).
OITCHECK_HTTP_CACHE_PRUNE_SECS = 3600.0
# Links to other hosts that worked are not checked again for this many days (0: check every run).
OITCHECK_LINK_CACHE_DAYS = 7.0
# Link checking manners (oitcheck.middlewares): a HEAD answered with one of these is asked again with GET;
# retries wait OITCHECK_RETRY_BACKOFF x 1, 2, 4 s, or the server's Retry-After when at most
# OITCHECK_RETRY_AFTER_MAX s (a longer one is not waited for: the 429/503 is kept; a 429 is "unknown").
OITCHECK_HEAD_FALLBACK_CODES = [400, 403, 404, 405, 501]
OITCHECK_RETRY_BACKOFF = 0.5
OITCHECK_RETRY_AFTER_MAX = 30.0

# Budgets (oitcheck.budgets): what one audit may cost, so a hostile or broken site cannot take the whole night.
# What a budget leaves unread is named in the report (crawl.truncated_by, crawl.skipped); items it leaves
# undecided are "unknown", never "fail".
# Whole-crawl wall time in seconds (Scrapy's CLOSESPIDER_TIMEOUT; 0: none). Downloads and document reads in
# progress when it ends still finish, each within DOWNLOAD_TIMEOUT and OITCHECK_DOCUMENT_SECONDS.
OITCHECK_TIME_LIMIT = 2 * 3600.0
# Per other host (the agency's own site is bounded by the page cap and the time limit): links checked, bytes
# downloaded, and timeouts in a row after which the host is not asked again (0: no limit).
OITCHECK_HOST_MAX_REQUESTS = 200
OITCHECK_HOST_MAX_BYTES = 100 * 1024 * 1024
OITCHECK_SLOW_HOST_TIMEOUTS = 2

# Hostile input bounds: a crawled site decides how large and how odd its files are; each read is capped.
# robots.txt: parsed (and downloaded) only up to this size, Google's documented limit; the rules in the first
# part apply, the rest is ignored (oitcheck.robots).
ROBOTSTXT_PARSER = "oitcheck.robots.BoundedRobotParser"
OITCHECK_ROBOTSTXT_MAXSIZE = 500 * 1024
# A stylesheet is read for the pictures it names only up to this many bytes (a theme's whole stylesheet is
# rarely over 500 KB); pictures named after it are ignored (oitcheck.extract.css).
OITCHECK_STYLESHEET_MAXSIZE = 1024 * 1024

# Link check
# Browsers follow 20 redirects (Chrome, Firefox); a longer chain is "too_many_redirects", and a chain that comes
# back to a URL more than OITCHECK_REDIRECT_REVISITS times is a "redirect_loop" (a cookie check sends a visitor
# back to the same URL once, with the cookie set, and that works).
REDIRECT_MAX_TIMES = 20
OITCHECK_REDIRECT_REVISITS = 1
# A meta refresh sooner than this many seconds is followed as a redirect (a splash page that moves on); a later
# one is a page that reloads or moves on after being read, and a refresh to the page itself is never a redirect.
METAREFRESH_MAXDELAY = 30
# URLs up to this many characters are checked: the server says whether it takes them (browsers open far longer
# ones than Scrapy's 2,083 default, which was Internet Explorer's). A longer link in a page is listed broken,
# "too_long" (oitcheck.extract.urls); a longer redirect target is "url_too_long", not fetched. Scrapy's
# UrlLengthMiddleware, which drops longer URLs without a word, never sees one.
URLLENGTH_LIMIT = 32 * 1024
# Every page's pictures, stylesheets and scripts are checked (HEAD, status only; the homepage's are read, see
# above): visitors see a broken one on every page that uses it. At most this many in the whole crawl.
OITCHECK_PAGE_ASSETS = 5000

# Coverage guard (oitcheck.checks.coverage): after the crawl, whether it read enough of the site to judge it. When
# it did not (crawl.coverage.ok false), items without evidence are "unknown" with the reason, never "fail".
# A page is "empty" (built by its scripts in the browser) with fewer than this many characters of visible text and
# fewer than this many links (oitcheck.extract.emptiness).
OITCHECK_EMPTY_PAGE_CHARS = 80
OITCHECK_EMPTY_PAGE_LINKS = 3
# Too few pages: only the homepage was read, or the homepage links at least OITCHECK_COVERAGE_HOME_LINKS pages of
# the site and fewer than this share of them answered.
OITCHECK_COVERAGE_HOME_LINKS = 10
OITCHECK_COVERAGE_REACHED_SHARE = 0.5
# Too few links: the pages read show fewer than this many distinct links in all (markup the parser could not read,
# a menu built by scripts). A small site is not a problem: two pages that link each other are read whole.
OITCHECK_COVERAGE_MIN_LINKS = 2
# Most links are chrome: at least this share of the distinct link targets of the site's pages (when there are at
# least OITCHECK_COVERAGE_CHROME_TARGETS) appear only in menus, sidebars and footers, so no content link is left.
OITCHECK_COVERAGE_CHROME_SHARE = 0.95
OITCHECK_COVERAGE_CHROME_TARGETS = 30
# One template: at least this share of the pages read (when at least OITCHECK_COVERAGE_TEMPLATE_PAGES) show nearly
# the same text (word 4-grams at least 90% alike) as the homepage or as the most common page.
OITCHECK_COVERAGE_TEMPLATE_SHARE = 0.8
OITCHECK_COVERAGE_TEMPLATE_PAGES = 10
# Empty pages: at least this share of the pages read are empty (and the homepage counts alone when it is).
OITCHECK_COVERAGE_EMPTY_SHARE = 0.5

# Pages built by JavaScript (oitcheck.render): a page of the site that is empty without its scripts (see
# OITCHECK_EMPTY_PAGE_*) and has a <script> is fetched again through a headless Chromium (scrapy-playwright), at
# most OITCHECK_RENDER_MAX_PAGES pages per crawl; no browser is started for a site that needs none. False
# (--no-render): never. A missing browser is one warning line and the report's crawl.coverage.render_error.
OITCHECK_RENDER = True
OITCHECK_RENDER_MAX_PAGES = 50
OITCHECK_BROWSER = "/usr/bin/chromium"  # the environment variable OITCHECK_BROWSER overrides it

# report.pdf (oitcheck.report.pdf): report.html printed to A4 by the same browser, in a child process stopped after
# OITCHECK_PDF_SECONDS. False (--no-pdf, or the environment variable OITCHECK_PDF=0): not written. A missing
# browser or a failed printing is one warning line; every other report is written all the same.
OITCHECK_PDF = True
OITCHECK_PDF_SECONDS = 60.0
