"""The one library the NIC services share. Nothing service-specific lives here."""
