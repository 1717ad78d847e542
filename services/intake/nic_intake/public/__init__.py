"""Public call pages: open and upcoming calls with their documents, as JSON and HTML."""
