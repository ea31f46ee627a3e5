"""Benchmarks: ``python -m benchmarks [name…]`` runs every ``bench_*.py`` module's ``main()``.
Results are ratios against a baseline library run in the same process."""
