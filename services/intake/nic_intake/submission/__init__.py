"""Submission before the deadline: completeness, versions, receipts, the event and the mail."""
