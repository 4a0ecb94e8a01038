"""Deterministic synthetic data for demos, tests and benchmarks.

:func:`generate` makes interactions, :func:`customers` the customers they
name, :func:`feedback` NPS, CES and review answers that follow them. The same
seed always gives the same data, on every platform.

>>> import pendulum
>>> from servicemodel import samples
>>> start = pendulum.datetime(2024, 6, 3, tz="Europe/London")
>>> tickets = list(samples.generate(100, seed=1, start=start))
>>> len(tickets), all(t.created_at >= start for t in tickets)
(100, True)
"""

from ._generate import customers, feedback, generate
from ._profile import SampleProfile

__all__ = ["SampleProfile", "customers", "feedback", "generate"]
