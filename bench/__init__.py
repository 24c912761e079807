"""Benchmarks, load and fault runs for a district-sized Rapport (see README.md)."""
