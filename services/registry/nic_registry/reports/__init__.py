"""Annual reports per cluster and year."""
