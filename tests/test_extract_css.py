"""CSS read with a tokenizer: the pictures a stylesheet or style attribute names (where a homepage's EIT
banner may be), the stylesheets it imports, the selector of each picture's rule, and bounded work on
hostile stylesheets."""

from __future__ import annotations

import pytest

from oitcheck import settings
from oitcheck.extract import css
from oitcheck.extract.css import css_head, css_pictures, first_url, page_names, selector_used, style_urls

SHEET = "http://agency.example.org/theme/css/site.css"


def urls(text: str, base: str = SHEET) -> list[str]:
    return [url for url, _ in css_pictures(text, base)[0]]


def test_quoted_unquoted_and_escaped_urls():
    text = r""".a{background:url(../img/a.png)} .b{background:url( '../img/b.png' )}
    .c{background:URL("../img/c.png")} .d{background:url(../img/d\ 1.png)} .e{background:url("../img/e\"q.png")}
    .f{background:url("../img/f(1).png")}"""
    assert urls(text) == ["http://agency.example.org/theme/img/a.png", "http://agency.example.org/theme/img/b.png",
                          "http://agency.example.org/theme/img/c.png", "http://agency.example.org/theme/img/d%201.png",
                          "http://agency.example.org/theme/img/e%22q.png", "http://agency.example.org/theme/img/f(1).png"]


def test_urls_resolve_against_the_stylesheet_and_repeat_once():
    text = ".a{background:url(qr.png)} .b{background:url(/img/qr.png)} .c{background:url(qr.png)}"
    assert urls(text) == ["http://agency.example.org/theme/css/qr.png", "http://agency.example.org/img/qr.png"]
    assert urls(text, "http://agency.example.org/") == ["http://agency.example.org/qr.png",
                                                         "http://agency.example.org/img/qr.png"]


def test_import_forms():
    text = """@charset "utf-8"; @import "parts/a.css"; @import 'parts/b.css' screen; @import url(/c.css);
    @import url("../d.css") print; @import url( e.php ); .x{background:url(e.php)}"""
    pictures, imports = css_pictures(text, SHEET)
    assert imports == ["http://agency.example.org/theme/css/parts/a.css",
                       "http://agency.example.org/theme/css/parts/b.css", "http://agency.example.org/c.css",
                       "http://agency.example.org/theme/d.css", "http://agency.example.org/theme/css/e.php"]
    assert pictures == []  # a stylesheet imported is not a picture, even when a rule names it too


def test_comments_hide_urls_and_imports_but_strings_do_not_open_comments():
    text = """/* @import "old.css"; .old { background: url(old.png) } */
    .a { background: url(a.png) /* , url(b.png) */ }
    .c::before { content: "/* not a comment */"; background: url(c.png) }
    .d { content: "url(d.png)" }"""
    pictures, imports = css_pictures(text, SHEET)
    assert imports == []
    assert [url.rsplit("/", 1)[1] for url, _ in pictures] == ["a.png", "c.png"]


def test_data_uris_fonts_cursors_and_fragments_are_no_pictures():
    text = """@font-face{src:url(f.woff2?v=1) format("woff2"), url('f.ttf'), url(f.eot#iefix)}
    .i{background:url(data:image/png;base64,AAAA)} .j{background:url("data:image/svg+xml;utf8,<svg/>")}
    .k{cursor:url(hand.cur),auto} .l{filter:url(#blur)} .m{behavior:url(pie.htc)} .n{background:url(ok.svg)}"""
    assert urls(text) == ["http://agency.example.org/theme/css/ok.svg"]


def test_selectors_as_written_nested_rules_and_at_rules():
    text = """@media (max-width: 600px) { .popup   .qr { background: url(qr.png) } }
    .card { .inner > a[href$=".pdf"] { background: url(pdf.png) } }
    @font-face { font-family: x; src: url(x.svg) }
    .wrap /* banner */ .ita,
    #eit { background: url(eit.png) }
    @supports (display: grid) { body { background: image-set(url(bg.png) 1x, url(bg2.png) 2x) } }"""
    pictures, _ = css_pictures(text, SHEET)
    assert [(url.rsplit("/", 1)[1], selector) for url, selector in pictures] == [
        ("qr.png", ".popup .qr"), ("pdf.png", '.inner > a[href$=".pdf"]'), ("x.svg", "@font-face"),
        ("eit.png", ".wrap .ita, #eit"), ("bg.png", "body"), ("bg2.png", "body")]


def test_selector_used_reads_classes_and_ids():
    names = page_names("""<div class="modal popup" id="eit"><p class='qr sm:flex'>สแกน</p></div>""")
    assert names == {"modal", "popup", "eit", "qr", "sm:flex"}
    assert selector_used(".popup .qr", names) and selector_used("#eit", names) and selector_used("body", names)
    assert not selector_used(".slider-icon-9", names)
    assert selector_used(r".sm\:flex", names)  # an escaped class name, as Tailwind writes them
    assert selector_used('a[href$=".pdf"]', names)  # ".pdf" in a string names no class
    assert not selector_used(".x:not(.y)", names) and selector_used(".x:not(.qr)", names)


def test_style_attributes_and_lazy_background_values():
    assert style_urls("background: url('/img/a.png') no-repeat; /* background: url(/img/old.png) */"
                      "border-image: url(/img/b.png) 30") == ["/img/a.png", "/img/b.png"]
    assert style_urls("color: red") == []
    assert first_url("url(/img/lazy.jpg)") == "/img/lazy.jpg"
    assert first_url(' url( "/img/lazy 2.jpg" ) center') == "/img/lazy 2.jpg"
    assert first_url("/img/plain.jpg") is None


def test_an_unclosed_comment_ends_the_stylesheet():
    hostile = "/* " * 1_000_000  # 3 MB: no comment ever closes
    assert len(hostile) > css.MAX_CSS_CHARS
    assert css_pictures(hostile, SHEET) == ([], [])
    assert css_pictures(".a{background:url(a.png)} " + hostile + ".b{background:url(b.png)}", SHEET)[0] == [
        ("http://agency.example.org/theme/css/a.png", ".a")]


def test_only_the_first_characters_are_read():
    text = ".a{background:url(a.png)}" + " " * css.MAX_CSS_CHARS + ".b{background:url(b.png)}"
    assert urls(text) == ["http://agency.example.org/theme/css/a.png"]


def test_deep_nesting_is_walked_without_recursion():
    deep = ".a{" + "(" * 20_000 + "url(deep.png)"
    assert urls(deep) == ["http://agency.example.org/theme/css/deep.png"]
    assert urls("{" * 20_000) == [] and style_urls("background:" + "[" * 20_000 + "url(s.png)") == ["s.png"]
    assert selector_used("(" * 20_000 + ".qr", {"qr"})


def test_rule_and_url_caps(monkeypatch: pytest.MonkeyPatch):
    text = "".join(f".r{n}{{background:url(r{n}.png)}}" for n in range(10))
    monkeypatch.setattr(css, "MAX_CSS_RULES", 3)
    assert len(urls(text)) == 3
    monkeypatch.setattr(css, "MAX_CSS_RULES", 100)
    monkeypatch.setattr(css, "MAX_CSS_URLS", 4)
    assert len(urls(text)) == 4
    assert len(style_urls(";".join(f"background:url(s{n}.png)" for n in range(10)))) == 4


def test_a_stylesheet_is_read_up_to_its_byte_cap_and_later_pictures_are_ignored():
    filler = "/* " + "ธีมของเว็บไซต์ " * 30_000 + "*/ .x{color:red}\n"  # > 1 MiB: Thai is 3 bytes a character
    text = ".a{background:url(a.png)}" + filler + ".b{background:url(b.png)}"
    assert len(text.encode()) > settings.OITCHECK_STYLESHEET_MAXSIZE == css.MAX_CSS_CHARS
    assert urls(text) == ["http://agency.example.org/theme/css/a.png"]
    assert len(urls(text.replace(filler, "/* ธีม */ .x{color:red}\n"))) == 2
    assert css_pictures(".a{background:url(a.png)} .b{background:url(b.png)}", SHEET, max_bytes=30)[0] == [
        ("http://agency.example.org/theme/css/a.png", ".a")]
    assert css_head("กขค", 7) == "กข" and css_head("abc", 10) == "abc"  # a character cut in two is dropped


def test_100k_url_tokens_yield_at_most_the_url_cap():
    text = ".r{background:" + "".join(f"url(i{n}.png) " for n in range(100_000)) + "}"
    found = urls(text)
    assert len(found) == css.MAX_CSS_URLS and found[0].endswith("/i0.png")


def test_pathological_nesting_past_the_cap_finds_nothing_and_ends():
    assert urls(".a{" + "(" * 2_000_000 + "url(deep.png)") == []  # the url() lies past the first MiB
    assert urls(".a{" + "[(" * 20_000 + "url(deep.png)") == ["http://agency.example.org/theme/css/deep.png"]
    assert urls(".a{background:url(" + "x" * 3_000_000) == []  # an unclosed url( runs to the cut: no address
    assert css_pictures("@import url(" + "y" * 100_000, SHEET) == ([], [])
