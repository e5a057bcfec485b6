"""coop-kg: build, validate, store and query the cooperative linked-data knowledge graph.

The command line lives in `kg.cli` (installed as `kg`); the HTTP API is the separate `api`
package, which imports this one.
"""

from kg import _no_fetch

__version__ = "0.1.0"

# Before anything else imports rdflib: no fetching while parsing or querying (kg._no_fetch).
_no_fetch.install()
