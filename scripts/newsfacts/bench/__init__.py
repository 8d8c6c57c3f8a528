"""Benchmarks against their floors and peers, and the synthetic documents they (and the tests) use."""
