"""Benchmarks for tuoyu: a deterministic data generator at named scales and a bounded load benchmark.

Not tests: ``python -m bench.generate`` fills a database, ``python -m bench.run`` (``make bench``) measures a
real gunicorn server on the loopback interface. See bench/README.md.
"""
