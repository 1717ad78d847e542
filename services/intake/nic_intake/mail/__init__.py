"""Confirmation e-mails: written to a mail outbox with the change, delivered in the background."""
