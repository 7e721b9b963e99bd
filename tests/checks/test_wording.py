"""Matching real wording: keywords on word boundaries, real spellings of the items, negative evidence."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from oitcheck.checks.checklist import load
from oitcheck.checks.elements import NAME
from oitcheck.checks.matching import Matcher, contains_any
from oitcheck.checks.results import ComponentResult, ComponentState
from oitcheck.extract.thai import normalise
from oitcheck.records import Image, Link
from tests.checks.records import HOME, at, context, home, link, page, pdf, real_page, run_check, site


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load("ita-2568"))


def named(matcher: Matcher, text: str) -> str | None:
    match = matcher.identify(text)
    return match.item.id if match else None


def test_explore_services_is_not_e_service() -> None:
    """PhichaiHospital's template hero button "Explore Services": "exploreservices" contains "eservice"
    only across a word boundary, so the template page is not the E-Service evidence."""
    crawl = site(real_page("phichai-home.html"), page(at("services.html"), "Services - Medicio Bootstrap Template"))
    result = run_check(crawl, "o10")
    assert result.state == ComponentState.FAIL
    assert not any(c.url.endswith("services.html") for c in result.evidence)


@pytest.mark.parametrize("text, item", [
    ("Explore Services", None), ("Book Appointment", None), ("newsletter", None), ("Newsroom", None),
    ("E-Service", "o10"), ("ระบบ e-services", "o10"), ("E Service ออนไลน์", "o10"), ("eservice", "o10"),
    ("ข่าวประชาสัมพันธ์ News", "o4"),
])
def test_latin_keywords_match_whole_words(matcher: Matcher, text: str, item: str | None) -> None:
    assert named(matcher, text) == item


@pytest.mark.parametrize("text, found", [
    ("ประกาศ", True), ("ประกาศ เจตนารมณ์", True), ("ประกาศิต", False), ("เอกสารเผยแพร่", False),
])
def test_thai_keywords_never_split_a_character_cluster(text: str, found: bool) -> None:
    """Thai keeps space-free comparison, but a keyword cannot end before its last consonant's vowel
    (ประกาศ|ิต) nor begin after a leading vowel (เ|อกสาร names no "อกสาร")."""
    assert bool(contains_any(normalise(text), ("ประกาศ", "อกสาร"))) is found


SAIYOI_TEXT = "โครงสร้างองค์การบริหารส่วนตำบลไทรย้อย นายกองค์การบริหารส่วนตำบล ปลัดองค์การบริหารส่วนตำบล สำนักงานปลัด"


def saiyoi_site():
    """yongyot/saiyoidenchai's menu with its target pages (their text shortened)."""
    form_page = page(at("contact_form.php"), "องค์การบริหารส่วนตำบลไทรย้อย อ.เด่นชัย จ.แพร่",
                     main_text="ศูนย์รับเรื่องราวร้องทุกข์ ข้อความต่าง ๆ ที่ท่านเสนอหรือร้องเรียนมาจะปิดเป็นความลับ")
    return site(real_page("saiyoi-menu.html"),
                page(at("architech.html"), "องค์การบริหารส่วนตำบลไทรย้อย", main_text=SAIYOI_TEXT),
                page(at("power.html"), "องค์การบริหารส่วนตำบลไทรย้อย",
                     main_text="อำนาจหน้าที่ขององค์การบริหารส่วนตำบล ตามพระราชบัญญัติสภาตำบลและองค์การบริหารส่วนตำบล"
                               " มาตรา 66 องค์การบริหารส่วนตำบลมีอำนาจหน้าที่ในการพัฒนาตำบล"),
                form_page)


@pytest.mark.parametrize("component, url", [("structure", "architech.html"), ("duties", "power.html")])
def test_structure_and_duties_in_local_wording(component: str, url: str) -> None:
    """"โครงสร้าง อบต." and "อำนาจและหน้าที่" (word order and abbreviation of real sites) name o1."""
    result = run_check(saiyoi_site(), "o1", component)
    assert result.state == ComponentState.OK
    assert result.evidence[0].url == at(url)


def test_complaint_and_tip_off_channel_is_o18() -> None:
    result = run_check(saiyoi_site(), "o18")
    assert result.state == ComponentState.OK
    assert result.evidence[0].url == at("contact_form.php")


@pytest.mark.parametrize("text, item", [
    ("โครงสร้าง อบต.", "o1"), ("โครงสร้างองค์การบริหารส่วนตำบลไทรย้อย", "o1"), ("โครงสร้าง ทต.บ้านทดสอบ", "o1"),
    ("หน้าที่และอำนาจ", "o1"), ("อำนาจและหน้าที่", "o1"), ("ผังองค์กร", "o1"),
    ("รับเรื่องราวร้องทุกข์และเบาะแสการทุจริต", "o18"), ("📞 ดูข้อมูลติดต่อ", "o3"),
    ("📋 ดูแผนพัฒนาสถานศึกษา 5 ปี", "o5"), ("จรรยาบรรณกระทรวงสาธารณสุข MOPH Code of Conduct", "o16"),
    ("ขั้นตอนการแก้ไขปัญหาเรื่องร้องเรียน", "o17"), ("รายงานผลการดำเนินการเกี่ยวกับเรื่องร้องเรียน", "o19"),
])
def test_real_spellings_of_items(matcher: Matcher, text: str, item: str | None) -> None:
    """Menu and ITA-page wording seen on the six real sites of issue 13 (saiyoidenchai, web.kpic2,
    PhichaiHospital, nysso, web-phukamyao-hospital)."""
    assert named(matcher, text) == item


@pytest.mark.parametrize("text, not_item", [
    ("1.1. มีบันทึกข้อความที่ผู้บริหารในคำสั่ง / ประกาศและขออนุญาตเผยแพร่สิ่งพิมพ์ของวารสาร", "o2"),
    ("2.1. มีบันทึกข้อความที่ผู้บริหารทราบรายงานฯ และขออนุญาตเผยแพร่ข่าวของหน่วยงาน", "o2"),
    ("EB6 ผู้บริหารแสดงนโยบายการบริหารและพัฒนาทรัพยากรบุคคล", "o2"),
    ("1.8. ช่องทางการรับฟังความคิดเห็นต่อการดำเนินการตามหน้าที่และอำนาจและตามส่วนของหน่วยงาน", "o1"),
])
def test_memo_titled_for_another_subject_is_not_the_item(matcher: Matcher, text: str, not_item: str) -> None:
    """PhichaiHospital's and nysso's ITA rows: a memo asking the executives' leave to publish, or a channel
    run "according to its duties", mentions the item's word without being the item."""
    assert named(matcher, text) != not_item


def kpic_site(home_text: str = "วิทยาลัยการอาชีพกุมภวาปี ข่าวประชาสัมพันธ์ กิจกรรมวิทยาลัย ประจำปี 2566"):
    """web.kpic2: "/" redirects to home.php, and the ITA page's buttons for unfinished items link home.php."""
    front = replace(home([link(at("ita.php"), "ITA")], main_text=home_text), final_url=at("home.php"))
    return site(front, real_page("kpic-ita-homelink.html", at("ita.php"), depth=1))


@pytest.mark.parametrize("item", ["o7", "o11"])
def test_link_to_the_homepage_is_not_a_document(item: str) -> None:
    result = run_check(kpic_site(), item)
    assert result.state == ComponentState.FAIL
    assert [f.code for f in result.findings] == ["missing"]  # not wrong_year: the homepage names 2566


def test_same_page_at_another_address_is_the_homepage() -> None:
    """index.php serving the homepage's very text is the homepage too."""
    front = home([link(at("ita.php"), "ITA")], main_text="หน้าแรก วิทยาลัย ข่าวล่าสุด")
    copy = replace(front, url=at("index.php"), final_url=at("index.php"), depth=1)
    ita = page(at("ita.php"), "ITA", [link(at("index.php"), "รายงานผลการดำเนินงานประจำปี 2568")],
               main_text="O7 รายงานผลการดำเนินงานประจำปี")
    result = run_check(site(front, copy, ita), "o7")
    assert result.state == ComponentState.FAIL
    assert [f.code for f in result.findings] == ["missing"]


def test_listing_page_of_other_items_is_not_the_item() -> None:
    """A menu page whose links lead to several other items' documents, and to none of this item's,
    is no evidence of this item even when its link names it."""
    docs = [link(at(f"doc/{n}.pdf"), text) for n, text in enumerate(
        ["แผนยุทธศาสตร์ 2566-2570", "แผนการดำเนินงานประจำปี 2568", "คู่มือการปฏิบัติงาน", "คู่มือประชาชน"])]
    menu = page(at("menu.php"), "ข้อมูลหน่วยงาน", docs, main_text=" ".join(d.text for d in docs))
    front = home([link(at("menu.php"), "รายงานผลการดำเนินงานประจำปี")])
    result = run_check(site(front, menu, *(pdf(d.url, d.text) for d in docs)), "o7")
    assert result.state == ComponentState.FAIL
    assert [f.code for f in result.findings] == ["missing"]


def test_contact_link_to_the_homepage_still_counts() -> None:
    """Contact details are in every page's footer: "ติดต่อเรา" leading to the homepage is fine."""
    address = "ที่อยู่ 99 หมู่ 1 ตำบลบ้านทดสอบ อำเภอเมือง จังหวัดทดสอบ 10100 โทร 042-123-456 อีเมล saraban@bantest.go.th"
    front = home([link(HOME, "ติดต่อเรา")], main_text=address)
    result = run_check(site(front), "o3")
    assert result.state == ComponentState.OK


# The opening of PhichaiHospital's public/assets/document/pdf/moit1-2-68.pdf as OCR reads it (marks dropped:
# "บนทกขอความ", "เรอง"), with a body sentence naming the executives as such memos do.
MEMO = ("บนทกขอความ ส่วนราชการ โรงพยาบาลพิชัย วันที ๑๖ พฤศจิกายน ๒๕๖๗ "
        "เรอง {subject} เรียน ผู้อำนวยการ กลุ่มงานได้ปรับปรุงข้อมูลผู้บริหารบนเว็บไซต์")


@pytest.mark.parametrize("subject, item", [
    ("ขอเผยแพร่ประกาศรับสมัครลูกจ้างชั่วคราว", None),
    ("ทำเนียบผู้บริหารโรงพยาบาลพิชัย", "o2"),
])
def test_memo_is_named_by_its_subject_not_its_body(subject: str, item: str | None) -> None:
    url = at("assets/document/pdf/memo.pdf")
    ctx = context(site(pdf(url, MEMO.format(subject=subject))))
    named_items = {i for i, found in ctx.candidates.items() if any(c.url == url for c in found)}
    assert named_items == ({item} if item else set())


def test_template_variable_under_the_heading_is_a_placeholder() -> None:
    """saiyoidenchai's citizen-manual list shows "$title_news" (PHP left unparsed) under its heading: no manual."""
    people = real_page("saiyoi-people.html", at("view_all_people.php"), depth=1)
    result = run_check(site(home([link(people.url, "คู่มือประชาชน")]), people), "o9")
    assert result.state == ComponentState.FAIL
    assert [f.code for f in result.findings] == ["missing"]


@pytest.mark.parametrize("text", ["{{ title }}", "<?= $row['title'] ?>", "$title_news"])
def test_page_of_template_variables_alone_is_a_placeholder(text: str) -> None:
    manual = page(at("manual.php"), "คู่มือประชาชน", main_text=text)
    result = run_check(site(home([link(manual.url, "คู่มือประชาชน")]), manual), "o9")
    assert result.state == ComponentState.FAIL


EXECUTIVES = at("executive_committee.php")


def executives(main_text: str, *links: Link) -> ComponentResult:
    """An executives page whose photo is captioned with the page's text (a caption card per executive)."""
    photos = [Image(url=at("images/vc.png"), alt="ผู้อำนวยการ", context=main_text)]
    board = page(EXECUTIVES, "คณะผู้บริหาร", list(links), main_text=main_text, images=photos)
    return run_check(site(home([link(EXECUTIVES, "คณะผู้บริหาร")]), board), "o2")


@pytest.mark.parametrize("person", [
    "นายแพทย์สมชาย ใจดี", "แพทย์หญิงสมศรี มีสุข", "นพ.สมชาย ใจดี", "พญ. สมศรี มีสุข", "ทพ.สมหมาย รักดี", "ภญ.สมใจ ดีมาก",
    "พลเอกสมชาย ใจดี", "พ.ต.อ.สมชาย ใจดี", "ร.ต.ท. สมชาย ใจดี", "จ.ส.อ.สมชาย ใจดี", "พันตำรวจโทสมชาย ใจดี", "ด.ต.สมชาย ใจดี",
])
def test_professional_titles_and_ranks_name_a_person(person: str) -> None:
    """patong_news' executives are นายแพทย์/แพทย์หญิง/นพ./พญ.; police and military ranks are titles too."""
    result = executives(f"{person} ผู้อำนวยการโรงพยาบาล โทร 076-342-633")
    assert result.state == ComponentState.OK, [f.message for f in result.findings]


@pytest.mark.parametrize("contact", ["ติดต่อ: 042-xxx-xxx", "โทร 0-0000-0000", "อีเมล xxx@xxx.com",
                                     "อีเมล: name@example.com", "อีเมล์@"])
def test_placeholder_values_are_not_contact_data(contact: str) -> None:
    """web.kpic2's executives page: "ติดต่อ: 042-xxx-xxx" holds a place for a phone number."""
    result = executives(f"นายวิชิต ทองดี ผู้อำนวยการวิทยาลัย {contact}")
    assert result.state == ComponentState.PARTIAL
    assert "contact" in next(f.extra["elements"] for f in result.findings if f.code == "missing_element")


def test_header_phone_and_mail_are_not_the_executives_contact() -> None:
    """A mailto: or tel: link in the page header (chrome, on every page) is the site's, not the executives'."""
    header = [Link(url="mailto:krucoconut.vecskill@gmail.com", text="krucoconut.vecskill@gmail.com", chrome=True),
              Link(url="tel:042331234", text="042-331234", chrome=True)]
    result = executives("นายวิชิต ทองดี ผู้อำนวยการวิทยาลัย", *header)
    assert result.state == ComponentState.PARTIAL
    own = executives("นายวิชิต ทองดี ผู้อำนวยการวิทยาลัย", Link(url="mailto:wichit.t@vec.go.th", text="อีเมล"))
    assert own.state == ComponentState.OK


def test_banner_is_not_a_photo() -> None:
    board = page(EXECUTIVES, "คณะผู้บริหาร", main_text="นายวิชิต ทองดี ผู้อำนวยการวิทยาลัย โทร 042-331234",
                 images=[Image(url=at("images/slide-1.jpg"), alt="ภาพสไลด์"),
                         Image(url=at("images/p1.jpg"), alt="แบนเนอร์ประชาสัมพันธ์")])
    result = run_check(site(home([link(EXECUTIVES, "คณะผู้บริหาร")]), board), "o2")
    assert result.state == ComponentState.PARTIAL


@pytest.mark.parametrize("text, item", [
    ("แนวทางปฏิบัติการจัดการร้องเรียนการทุจริตและประพฤติมิชอบ", "o17"),
    ("การมีส่วนร่วมของผู้บริหารสถานศึกษา", None),
])
def test_look_alike_items_in_real_wording(matcher: Matcher, text: str, item: str | None) -> None:
    """web-phukamyao-hospital's and web.kpic2's rows: a guideline is not the channel, and participation
    of the executives is not the executives page."""
    assert named(matcher, text) == item


def test_page_showing_its_template_code_is_a_placeholder() -> None:
    """saiyoidenchai's admin page for the citizen manuals shows "$topic" and "}//end while ?>": no manual."""
    admin = real_page("saiyoi-admin-people.html", at("admin/news_people_admin.php"), depth=2)
    result = run_check(site(home([link(admin.url, "คู่มือประชาชน")]), admin), "o9")
    assert result.state == ComponentState.FAIL
    assert [f.code for f in result.findings] == ["missing"]


def test_doctor_titled_executive_is_named() -> None:
    """patong_news' executives page: "แพทย์หญิงเหมือนแพร บุญล้อม" is a name (a title, then a leading vowel);
    "นายแพทย์ชำนาญการ" under it is her position's level, not a second name."""
    person = real_page("patong-person.html", at("person.php"), depth=1)
    result = run_check(site(home([link(person.url, "ผู้บริหาร")]), person), "o2")
    assert result.state == ComponentState.OK, [f.message for f in result.findings]
    assert not NAME.search("นายแพทย์ชำนาญการ")


def test_no_thai_vocabulary_left_in_the_checks_code() -> None:
    """Thai words the rules match live in checklists/*.th.yaml; only docstrings and comments (and the
    link-kind labels shown to people in links.py) may hold Thai in oitcheck/checks/."""
    import ast
    from pathlib import Path

    import oitcheck.checks

    thai = re.compile("[\u0e01-\u0e2e]")  # consonants: words, not the vowel and mark classes of the script
    found = []
    for path in Path(oitcheck.checks.__file__).parent.glob("*.py"):
        if path.name == "links.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
                      and node.body and isinstance(node.body[0], ast.Expr)}
        found += [f"{path.name}:{node.lineno}" for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str)
                  and id(node) not in docstrings and thai.search(node.value)]
    assert found == []


def test_binary_read_as_a_page_is_not_template_code() -> None:
    """A DOCX served by download.php and read as a page: "?>" and ";}" in its zipped XML are no leaked code."""
    binary = "PK\x03\x04\x14\ufffd\ufffd[Content_Types].xml\ufffd;} ?> \ufffd;} ?> คู่มือการปฏิบัติงาน งานจัดเก็บรายได้"
    manual = page(at("download.php?file_id=305"), "", main_text=binary)
    result = run_check(site(home([link(manual.url, "คู่มือการปฏิบัติงาน งานจัดเก็บรายได้")]), manual), "o8")
    assert result.state == ComponentState.OK
