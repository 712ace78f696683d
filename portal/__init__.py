"""The bimtek portal (FastAPI + Jinja2, Bahasa Indonesia): results in the browser, OPD uploads, submission status.

Top layer, beside the CLI: it may import bimtek, tasks and Prefect; nothing imports it. `portal.app.create_app`
builds the application; `bimtek server` starts it with uvicorn on BIMTEK_PORTAL_PORT. See docs/operations.md.
"""
