"""Panel reads: the submitted content an assigned panel member scores, and its attachments."""
