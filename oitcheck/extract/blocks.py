"""One document out of several: pages assembled by PHP includes emit ``<html><head>..</head><body>..</body></html>``
more than once in one response (a header file, a menu file and the page each write a whole document).

lxml keeps each extra block as a second ``<html>`` beside the first (or text after the last ``</html>`` as a
third), so ``soup.body`` is only the first block's body, often a few ``<script>`` tags, and the page's links
were lost. ``merge_blocks`` moves every later block's head into the first head and everything else into the
first body, in document order, as a browser does: each node is moved once, so the cost stays linear in the
size of the page.
"""

from __future__ import annotations

from bs4 import BeautifulSoup, PageElement, Tag


def merge_blocks(soup: BeautifulSoup) -> None:
    """Make ``soup`` one html element with one head and one body, keeping every block's content in order.

    A page with a single block, and a frameset page (no ``<body>``), are left as they are."""
    roots = [node for node in soup.contents if isinstance(node, Tag) and node.name == "html"]
    bodies = soup.find_all("body")
    if not bodies or (len(roots) <= 1 and len(bodies) <= 1):
        return
    body = bodies[0]
    for extra in bodies[1:]:  # a <body> lxml nested inside the first one
        if body in extra.parents:
            extra.unwrap()
    html = next((p for p in body.parents if isinstance(p, Tag) and p.name == "html"), None)
    if html is None or html.parent is not soup:
        return
    head = html.find("head", recursive=False)
    if head is None:
        head = soup.new_tag("head")
        html.insert(0, head)
    after_body = list(body.next_siblings)  # the first block's own leftovers, then the later blocks
    after_html = list(html.next_siblings)
    for node in [*after_body, *after_html]:
        _move(node, body, head)


def _move(node: PageElement, body: Tag, head: Tag) -> None:
    """Put one node of a later block in the merged page: its head's children in ``head``, the rest in ``body``."""
    if isinstance(node, Tag) and node.name in ("html", "head", "body"):
        children = list(node.contents)
        node.extract()
        if node.name == "html":
            for child in children:
                _move(child, body, head)
        else:
            (head if node.name == "head" else body).extend(children)
        return
    body.append(node.extract())
