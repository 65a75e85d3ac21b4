"""Edges that touch files: scenario loading, street extracts and their cache, plan outputs."""
