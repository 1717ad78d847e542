"""The dry run: assess an application body without storing anything."""
