# Benchmarks (run by hand, never by the test suite). Each target only runs scripts that also
# run directly without make; see benchmarks/README.md.

PYTHON ?= .venv/bin/python
KG ?= .venv/bin/kg
BENCH_WORK ?= /tmp/kg-bench
SIZES ?= 10000,100000,1000000
DATASETS ?= synth,iati
# matplotlib lives in a scratch venv: it is not a dependency of the project.
PLOT_VENV ?= $(BENCH_WORK)/venv-plot

.PHONY: bench bench-10m bench-iati bench-targets plot

bench:
	$(PYTHON) benchmarks/build_time.py
	$(KG) build
	$(PYTHON) benchmarks/api_latency.py
	$(PYTHON) benchmarks/scale.py --sizes $(SIZES) --datasets $(DATASETS) --work $(BENCH_WORK)/work
	$(MAKE) plot

# 10M triples: loading, then search and fundings (from memory if the machine has ~10 GB free,
# else from disk; the JSON says which). About 2 GB of N-Quads and 190 MB of IATI XML in
# $(BENCH_WORK).
bench-10m:
	$(PYTHON) benchmarks/scale.py --sizes 10000000 --datasets $(DATASETS) --work $(BENCH_WORK)/work
	$(MAKE) plot

# The issue-12 targets table (results/scale.json and benchmarks/README.md) from the JSON alone.
bench-targets:
	$(PYTHON) benchmarks/scale.py --targets-only

# IATI import (issue 9): 10k and 100k generated activities, files kept in $(BENCH_WORK)/iati.
bench-iati:
	$(PYTHON) benchmarks/iati_import.py --work $(BENCH_WORK)/iati

plot: $(PLOT_VENV)/bin/python
	$(PLOT_VENV)/bin/python benchmarks/plot.py

$(PLOT_VENV)/bin/python:
	python3 -m venv $(PLOT_VENV)
	$(PLOT_VENV)/bin/pip install -q matplotlib
