"""Core layer: text helpers, the data model, parsing, taxonomy, closed vocabularies, column contracts, paths and settings.

Imports nothing else of bimtek; every other layer may import it.
"""
