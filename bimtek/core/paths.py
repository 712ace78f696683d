"""Locations of the data contracts and templates that ship beside the code."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCHEMAS_DIR = PROJECT_ROOT / "schemas"
TEMPLATES_DIR = PROJECT_ROOT / "templates"
SAMPLE_DIR = PROJECT_ROOT / "sample"

REPORT_KEY = "validation/report.json"
"""Run-relative key of the validation report every stage publishes (counts, rejections, notes)."""
