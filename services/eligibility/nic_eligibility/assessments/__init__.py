"""Assessments: the flow from a submitted version to a decision, and the officers' work."""
