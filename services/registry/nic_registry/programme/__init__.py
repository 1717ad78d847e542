"""The programme report: every cluster for a year or a date range, in a few aggregate queries."""
