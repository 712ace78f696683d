"""Ingest layer: reading OPD files (CSV/XLSX/JSON) into sheets (`reader`). Imports only core."""
