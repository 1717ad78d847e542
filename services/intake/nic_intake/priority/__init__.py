"""Innovasjonsrammen's two stages: proposals go to a cluster, which forwards 2-4 ranked."""
