"""Admission decisions from intake become the clusters\x27 periods."""
