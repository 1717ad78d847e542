"""The demo: a full call generated as data and run through the running platform."""
