"""Calls: created from a scheme template by a programme officer, then published."""
