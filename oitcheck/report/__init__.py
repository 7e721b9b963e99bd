"""Reports: report.json (the contract), report.html (Thai, for agency staff), report.csv, and the files staff
edit and submit: measures.docx, itas.xlsx/itas.csv, pages.csv."""
