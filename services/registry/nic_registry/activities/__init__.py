"""Activities: the cluster's activity log (counts and organisations, no personal data)."""
