"""The load benchmark's minimal pages: the honest ceiling of a public list and a signed-in list.

Loaded only by ``bench.minimal.settings`` (the load benchmark's gunicorn): nothing here ships in ``tuoyu``.
Each page does what any real page of its kind must — the whole middleware stack; for the signed-in page the
session, the user and their memberships — then **one indexed query** and a **bare template** (no base
layout, no template tags in the row loop). A real page's throughput divided by its minimal page's says how
much of what it could do it does.
"""
