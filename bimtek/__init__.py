"""bimtek domain layer: parsing, rules, scoring, roadmap, aggregation and rendering.

Nothing in this package imports Prefect; flows/ and tasks/ wire these plain functions into Prefect runs.
"""

__version__ = "0.1.0"
