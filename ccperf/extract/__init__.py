"""Extraction: raw document bytes → segments → layout parsers → model rows."""
