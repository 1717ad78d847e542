"""Attachments: streamed uploads with a size limit and a content-type allow-list."""
