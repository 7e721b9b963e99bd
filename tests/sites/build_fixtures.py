"""Write the fixture documents of the small test sites (run once; the output is committed).

    .venv/bin/python tests/sites/build_fixtures.py
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF

HERE = Path(__file__).parent
FONT = HERE.parent / "support" / "fonts" / "Garuda.ttf"

INDEX_TABLE_PDFS = {
    "structure.pdf": ["แผนผังโครงสร้างเทศบาลตำบลทดสอบ", "สำนักปลัด กองคลัง กองช่าง"],
    "duties.pdf": ["อำนาจหน้าที่ของเทศบาลตำบลทดสอบ", "ตามพระราชบัญญัติเทศบาล พ.ศ. 2496"],
    "plan-2566-2570.pdf": ["แผนพัฒนาท้องถิ่น (พ.ศ. 2566 - 2570)", "เทศบาลตำบลทดสอบ"],
    "report-2565.pdf": ["รายงานผลการดำเนินงานประจำปี พ.ศ. 2565", "เทศบาลตำบลทดสอบ"],
    "procure-2568.pdf": ["สรุปผลการดำเนินการจัดซื้อจัดจ้าง (สขร.1) เดือนตุลาคม 2567", "ปีงบประมาณ พ.ศ. 2568"],
    "nogift-2568.pdf": ["ประกาศเจตนารมณ์ No Gift Policy ประจำปีงบประมาณ พ.ศ. 2568",
                        "ไม่รับของขวัญและของกำนัลทุกชนิดจากการปฏิบัติหน้าที่"],
}


def write_pdf(path: Path, lines: list[str]) -> None:
    pdf = FPDF()
    pdf.set_creation_date(datetime(2025, 1, 1, tzinfo=UTC))
    pdf.add_font("Garuda", fname=str(FONT))
    pdf.set_font("Garuda", size=16)
    pdf.add_page()
    for line in lines:
        pdf.multi_cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
    pdf.set_title(lines[0])
    path.write_bytes(bytes(pdf.output()))


def main() -> None:
    folder = HERE / "index_table" / "files"
    folder.mkdir(parents=True, exist_ok=True)
    for name, lines in INDEX_TABLE_PDFS.items():
        write_pdf(folder / name, lines)


if __name__ == "__main__":
    main()
