"""Benchmarks: `make bench` prints a table of speed and memory against their targets."""
