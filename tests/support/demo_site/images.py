"""The demo site's pictures: the ITA banner with the EIT QR code drawn in, portraits, the chart, the map."""

from __future__ import annotations

import io

import segno
from PIL import Image, ImageDraw

from tests.support.demo_site.layout import EIT_URL, ORG, DemoSite
from tests.support.documents import font


def banner(site: DemoSite) -> None:
    """Homepage ITA banner with the EIT QR code drawn into it (no URL anywhere in the page)."""
    img = Image.new("RGB", (900, 250), (18, 74, 133))
    d = ImageDraw.Draw(img)
    for i in range(250):  # a simple vertical gradient
        d.line([(0, i), (900, i)], fill=(18 + i // 8, 74 + i // 6, 133 + i // 5))
    d.rectangle([0, 212, 900, 250], fill=(240, 180, 40))
    d.text((40, 30), "ร่วมประเมินคุณธรรมและความโปร่งใส", font=font(34), fill="white")
    d.text((40, 80), "ในการดำเนินงานของหน่วยงานภาครัฐ (ITA) ประจำปี 2568", font=font(24), fill="white")
    d.text((40, 130), "ประชาชนผู้มาติดต่อราชการ สแกน QR Code เพื่อตอบแบบวัด EIT", font=font(20),
           fill=(255, 236, 170))
    d.text((40, 218), ORG, font=font(20), fill=(30, 40, 60))
    qr = segno.make(EIT_URL, error="m")
    buf = io.BytesIO()
    qr.save(buf, kind="png", scale=4, border=2)  # 29 modules + quiet zone = 132 px
    qr_img = Image.open(buf).convert("RGB")
    d.rectangle([720, 34, 720 + qr_img.width + 11, 34 + qr_img.height + 11], fill="white")
    img.paste(qr_img, (726, 40))
    d.text((742, 184), "สแกนตอบแบบวัด", font=font(14), fill="white")
    site.png("images/banner-ita.png", img)


def portrait(site: DemoSite, rel: str, seed: int, female: bool) -> None:
    """A plain generated ID-style portrait, 120x150."""
    bg = [(200, 215, 235), (215, 225, 210), (230, 220, 205), (210, 210, 230), (225, 210, 215)][seed % 5]
    skin = [(224, 186, 150), (210, 170, 135), (232, 196, 160)][seed % 3]
    img = Image.new("RGB", (120, 150), bg)
    d = ImageDraw.Draw(img)
    d.ellipse([10, 105, 110, 200], fill=(245, 245, 240) if seed % 2 else (60, 70, 90))  # shoulders
    d.polygon([(50, 108), (60, 130), (70, 108)], fill=(30, 50, 110))  # collar / tie
    d.rectangle([52, 88, 68, 110], fill=skin)  # neck
    d.ellipse([35, 30, 85, 95], fill=skin)  # face
    hair = (25, 20, 20)
    if female:
        d.pieslice([30, 20, 90, 80], 180, 360, fill=hair)
        d.rectangle([30, 48, 38, 100], fill=hair)
        d.rectangle([82, 48, 90, 100], fill=hair)
    else:
        d.pieslice([33, 24, 87, 70], 180, 360, fill=hair)
    d.ellipse([48, 58, 53, 63], fill=hair)
    d.ellipse([67, 58, 72, 63], fill=hair)
    d.arc([52, 70, 68, 82], 20, 160, fill=(150, 80, 70), width=2)
    site.png(rel, img)


def structure_chart(site: DemoSite) -> None:
    img = Image.new("RGB", (860, 420), "white")
    d = ImageDraw.Draw(img)
    f, fs = font(17), font(14)

    def box(x: int, y: int, w: int, h: int, lines: list[str], fill: tuple[int, int, int]) -> None:
        d.rounded_rectangle([x, y, x + w, y + h], 8, fill=fill, outline=(40, 60, 100), width=2)
        for i, line in enumerate(lines):
            tw = d.textlength(line, font=fs if i else f)
            d.text((x + (w - tw) / 2, y + 8 + i * 22), line, font=fs if i else f, fill=(20, 30, 50))

    d.text((230, 10), "แผนผังโครงสร้างองค์การบริหารส่วนตำบลบ้านตัวอย่าง", font=font(20), fill=(20, 40, 90))
    box(305, 50, 250, 56, ["นายก อบต.", "รองนายก อบต. / เลขานุการนายก"], (255, 236, 179))
    box(330, 140, 200, 56, ["ปลัด อบต.", "(นักบริหารงานท้องถิ่น)"], (200, 225, 250))
    box(330, 220, 200, 40, ["รองปลัด อบต."], (220, 235, 250))
    d.line([430, 106, 430, 140], fill=(40, 60, 100), width=2)
    d.line([430, 196, 430, 220], fill=(40, 60, 100), width=2)
    d.line([430, 260, 430, 290], fill=(40, 60, 100), width=2)
    d.line([110, 290, 750, 290], fill=(40, 60, 100), width=2)
    units = [("สำนักปลัด", ["งานบริหารทั่วไป", "งานนโยบายและแผน", "งานป้องกันฯ"]),
             ("กองคลัง", ["งานการเงิน", "งานจัดเก็บรายได้", "งานพัสดุ"]),
             ("กองช่าง", ["งานก่อสร้าง", "งานออกแบบ", "งานประปา"]),
             ("กองการศึกษาฯ", ["งานส่งเสริมการศึกษา", "ศูนย์พัฒนาเด็กเล็ก", ""])]
    for i, (name, tasks) in enumerate(units):
        x = 30 + i * 210
        d.line([x + 80, 290, x + 80, 305], fill=(40, 60, 100), width=2)
        box(x, 305, 160, 100, [name] + [t for t in tasks if t], (214, 240, 214))
    site.png("images/structure.png", img)


def map_image(site: DemoSite) -> None:
    img = Image.new("RGB", (600, 360), (232, 240, 226))
    d = ImageDraw.Draw(img)
    d.polygon([(0, 300), (140, 260), (260, 290), (420, 240), (600, 270), (600, 360), (0, 360)],
              fill=(190, 215, 240))  # river
    d.text((430, 300), "แม่น้ำกวง", font=font(16), fill=(40, 80, 140))
    d.line([(0, 120), (600, 150)], fill=(250, 210, 120), width=14)
    d.text((20, 90), "ถนนลำพูน-ป่าซาง", font=font(15), fill=(90, 70, 30))
    d.line([(300, 0), (320, 360)], fill=(255, 255, 255), width=10)
    d.text((330, 20), "ถนนเข้าหมู่บ้าน", font=font(14), fill=(80, 80, 80))
    for x, y, name in [(120, 190, "วัดบ้านตัวอย่าง"), (430, 70, "โรงเรียนบ้านตัวอย่าง"), (200, 40, "รพ.สต.")]:
        d.rectangle([x, y, x + 14, y + 14], fill=(150, 150, 150))
        d.text((x + 20, y - 4), name, font=font(14), fill=(60, 60, 60))
    d.ellipse([340, 165, 362, 187], fill=(210, 40, 40))
    d.polygon([(343, 182), (359, 182), (351, 200)], fill=(210, 40, 40))
    d.text((370, 165), "ที่ทำการ อบต.บ้านตัวอย่าง", font=font(16), fill=(160, 20, 20))
    site.png("images/map.png", img)


def logo(site: DemoSite) -> None:
    img = Image.new("RGB", (72, 72), (18, 74, 133))
    d = ImageDraw.Draw(img)
    d.ellipse([4, 4, 68, 68], fill=(240, 180, 40))
    d.ellipse([12, 12, 60, 60], fill=(18, 74, 133))
    d.text((36, 36), "บต", font=font(22), fill="white", anchor="mm")
    site.png("images/logo.png", img)
