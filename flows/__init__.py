"""Prefect flows wiring the ccperf stages."""
