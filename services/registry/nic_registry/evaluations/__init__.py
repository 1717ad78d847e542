"""Annual evaluations of the clusters in the programme."""
