"""Unit tests of the library's answer modules on small in-memory stores (a package, so that
their module names cannot clash with the suite's other test files)."""
