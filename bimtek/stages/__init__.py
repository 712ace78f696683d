"""Stage builders: pure functions turning validated rows into a stage's deliverables (files as bytes)."""
