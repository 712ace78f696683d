"""Spreadsheets people fill in (OPD intake templates, `intake_template`) and receive (roadmap workbook,
`roadmap_xlsx`; feedback lists are built in `bimtek.books.feedback`). Shared .xlsx helpers are in `xlsx`.

Import what you need from its module; this package re-exports nothing, so importing one module loads no other.
"""
