"""Broken-link truth for a real site: the link targets that do not exist in it.

From the working tree and a plain breadth-first crawl (bfs.py): a same-host link target on any page the
crawl reached is broken when its path is no file or folder in the docroot (sites without a router script;
a PHP router answers paths of its own) or when the server answers it with HTTP >= 400 or not at all.
Soft 404s (200 for a path that does not exist) are broken too. The list is written into the site's label
as ``broken_links`` (site-relative ``/path?query``, percent-decoded) after a review by eye.

    python -m bench.real.truth_links --site nysso [--sites DIR] [--write]
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import sys
import tempfile
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import requests

from bench.real.bfs import MAX_BODY, TIMEOUT, BfsResult, crawl, same_site, site_key
from bench.real.servers import Servers
from bench.real.sites import Site, label_path, load_sites

CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")


def path_exists(docroot: Path, url: str) -> bool:
    """Whether the URL's path names a file or folder inside ``docroot`` (never outside it)."""
    relative = unquote(urlsplit(url).path).lstrip("/")
    target = (docroot / relative).resolve()
    root = docroot.resolve()
    return (target == root or root in target.parents) and target.exists()


def status_of(url: str, bfs: BfsResult, session: requests.Session) -> int | None:
    """The status the crawl saw for ``url``, else a fresh GET's (headers only); None when nothing answered."""
    if url in bfs.fetches:
        return bfs.fetches[url].status
    try:
        with session.get(url, timeout=TIMEOUT, stream=True) as response:
            return response.status_code
    except requests.RequestException:
        return None


def stylesheet_targets(bfs: BfsResult, session: requests.Session) -> dict[str, set[str]]:
    """Same-host ``url(...)`` targets of the site's own style sheets (images and fonts a page loads through them)."""
    found: dict[str, set[str]] = {}
    for sheet in [u for u in bfs.links if urlsplit(u).path.lower().endswith(".css")]:
        try:
            with session.get(sheet, timeout=TIMEOUT, stream=True) as response:
                text = response.raw.read(MAX_BODY, decode_content=True).decode("utf-8", "replace") \
                    if response.status_code == 200 else ""
        except requests.RequestException:
            continue
        for value in CSS_URL.findall(text):
            target = urldefrag(urljoin(sheet, value.strip().replace("\\", "/")))[0]
            if not value.startswith(("data:", "#")) and same_site(target, bfs.start):
                found.setdefault(target, set()).add(sheet)
    return found


def broken_links(site: Site, tree: Path, bfs: BfsResult) -> dict[str, int | None]:
    """Site key -> status of every same-host link target (pages' and their style sheets') that does not exist.

    Links seen only on ghost pages (paths the server answers although no file is there, typically the
    homepage again at a wrong folder) are no links of the site: their targets are the ghost's resolution."""
    docroot = tree / site.docroot
    session = requests.Session()
    for url, sheets in stylesheet_targets(bfs, session).items():
        bfs.links.setdefault(url, set()).update(sheets)
    broken: dict[str, int | None] = {}
    for url in sorted(bfs.links):
        if site.router is None and not any(path_exists(docroot, page) for page in bfs.links[url]):
            continue  # only linked from ghost pages (a path that is no file, answered 200 anyway): no real link
        status = status_of(url, bfs, session)
        missing = site.router is None and not path_exists(docroot, url)
        if missing or status is None or status >= 400:
            broken[site_key(url)] = status
    return broken


def main(argv: list[str] | None = None) -> int:
    from bench.real.run import sites_folder  # the one place REAL_SITES is read

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", required=True, help="short site name (sites.yaml)")
    parser.add_argument("--sites", type=Path, help="folder of working trees (default $REAL_SITES)")
    parser.add_argument("--write", action="store_true", help="write the list into labels/<site>.json")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop the servers on kill as on Ctrl-C
    root = sites_folder(args.sites)
    site = next((s for s in load_sites() if s.name == args.site), None)
    if site is None or not (root / site.folder).is_dir():
        print(f"error: no site {args.site!r} in sites.yaml or no tree {root / (site.folder if site else '?')}",
              file=sys.stderr)
        return 2
    with (tempfile.TemporaryDirectory(prefix="oitcheck-truth-") as tmp, Servers(Path(tmp)) as servers,
          servers.php(site, root / site.folder) as server):
        bfs = crawl(server.url + site.start)
        broken = broken_links(site, root / site.folder, bfs)
        for key, status in broken.items():
            pages = sorted({site_key(p) for u, on in bfs.links.items() if site_key(u) == key for p in on})
            print(f"{status or '---'} {key}   (on {', '.join(pages[:3])}{' ...' if len(pages) > 3 else ''})")
    print(f"{len(broken)} broken of {len(bfs.links)} link targets on {len(bfs.pages())} pages", file=sys.stderr)
    if args.write:
        path = label_path(site.name)
        label = json.loads(path.read_text(encoding="utf-8"))
        label["broken_links"] = sorted(broken)
        path.write_text(json.dumps(label, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
