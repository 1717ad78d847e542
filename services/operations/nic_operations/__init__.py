"""The operations service: what on-call staff use to watch and repair the event pipeline."""
