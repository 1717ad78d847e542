"""Memberships: organisations in clusters by actor type and period; CSV import and export."""
