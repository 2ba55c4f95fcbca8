"""dealopt's benchmarks: ``python -m benchmarks [--quick] [--only NAME]``.

Timing claims live here and in ``benchmarks/README.md``, never in the unit tests.
"""
