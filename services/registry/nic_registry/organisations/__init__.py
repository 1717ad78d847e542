"""Organisations: registered by hand or looked up in Brønnøysund's Enhetsregisteret."""
