"""Generated coop-kg data for benchmarks and scale tests (``kg synth``), kept out of the library.

The library (``kg``) never imports this package at run time except for the ``kg synth`` command:
generated graphs, the country table they are drawn from and its data files are benchmark tooling.
"""

from kg_synth.generate import FORMATS, MIN_TRIPLES, OWN, REFERENCE_GRAPH, generate, synthesize

__all__ = ["FORMATS", "MIN_TRIPLES", "OWN", "REFERENCE_GRAPH", "generate", "synthesize"]
