"""Benchmarks and budget measurements; each script writes its figures into docs/performance.md."""
