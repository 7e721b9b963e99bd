"""Reports: report.json (the contract), report.html (Thai, for agency staff) and report.csv."""
