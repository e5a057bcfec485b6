"""coop-kg: build, validate, store and query the cooperative linked-data knowledge graph.

The command line lives in `kg.cli` (installed as `kg`); the HTTP API is the separate `api`
package, which imports this one.
"""

__version__ = "0.1.0"
