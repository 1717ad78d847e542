"""Clusters: registered by programme officers, with their history of levels, NCE, mature, ESCA."""
