"""Scoring's pure core: marks, thresholds, ranking, reviewer assignment, panel state, export.

No HTTP, database or Kafka here; the service layer maps events and tables onto these types.
"""
