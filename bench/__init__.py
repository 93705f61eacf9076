"""Lineage benchmarks: `make bench`. See bench/README.md."""
