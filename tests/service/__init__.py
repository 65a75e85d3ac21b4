"""Tests of the planner HTTP API against real uvicorn servers."""
