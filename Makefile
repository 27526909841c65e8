# signals: make help lists the targets. Every target installs what it needs into .venv.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CONFIG ?= training/config.yaml
MODEL_DIR ?= models/signals-nl-0.2.0
INPUT ?= examples/messages.jsonl
STAMP := $(VENV)/.installed
# pytest-xdist workers for make test: two cores, as CI has (0: one process); a test file's tests stay together
TEST_WORKERS ?= 2

.PHONY: help install java postgres chromium wrk lint train score score-conversations test test-fast serve bench bench-quick bench-spark soak spark-sample clean

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-22s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## create .venv and install signals with all extras

java: ## make sure a Java runtime is there for Spark (installs one with apt-get if missing)
	@command -v java >/dev/null 2>&1 || { echo "installing a Java runtime for Spark"; \
	  (apt-get update -qq && apt-get install -y -qq default-jre-headless) >/dev/null; }

postgres: ## make sure PostgreSQL's server binaries are there for the review store tests (apt-get if missing)
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || { \
	  echo "installing PostgreSQL for the review store tests"; \
	  (apt-get update -qq && apt-get install -y -qq postgresql) >/dev/null; }

chromium: ## make sure Debian's Chromium is there for the review page's browser test (apt-get if missing)
	@command -v chromium >/dev/null 2>&1 || { echo "installing Chromium for the review page's browser test"; \
	  (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null; }

wrk: ## make sure the wrk load generator is there for the API load benchmark (apt-get if missing; else httpx is used)
	@command -v wrk >/dev/null 2>&1 || { echo "installing wrk for the API load benchmark"; \
	  (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null || echo "wrk could not be installed: the load benchmark uses its Python client"; }

$(MODEL_DIR)/manifest.json: | $(STAMP)
	$(BIN)/python -m training.train --config $(CONFIG) --out $(MODEL_DIR)

train: $(STAMP) ## train the model from $(CONFIG) into $(MODEL_DIR)
	$(BIN)/python -m training.train --config $(CONFIG) --out $(MODEL_DIR)

score: $(MODEL_DIR)/manifest.json ## score $(INPUT) with the default model (trains it first if missing)
	$(BIN)/signals score $(INPUT) --model $(MODEL_DIR)

score-conversations: $(MODEL_DIR)/manifest.json ## score examples/conversations.jsonl
	$(BIN)/signals score-conversations examples/conversations.jsonl --model $(MODEL_DIR)

lint: $(STAMP) ## ruff and mypy (part of make test)
	$(BIN)/ruff check src training tests benchmarks
	$(BIN)/mypy src

test: $(STAMP) java postgres chromium lint ## lint, then the whole test suite (what CI runs), TEST_WORKERS processes at once
	$(BIN)/python -m pytest -q -ra -n $(TEST_WORKERS) --dist loadfile

test-fast: $(STAMP) ## the suite without slow tests
	$(BIN)/python -m pytest -q -m "not slow and not spark"

serve: $(MODEL_DIR)/manifest.json ## start the HTTP API on 127.0.0.1:8000
	$(BIN)/signals serve --model $(MODEL_DIR)

bench: $(MODEL_DIR)/manifest.json wrk ## accuracy, leave-writer-out, sealed set, conversations, speed, API load, training → reports/ (BASELINE=dir FEEDBACK=file: reviewer feedback before/after)
	$(BIN)/python -m benchmarks.run --model $(MODEL_DIR) --out reports $(if $(BASELINE),--baseline $(BASELINE)) $(if $(FEEDBACK),--feedback $(FEEDBACK))

bench-quick: $(MODEL_DIR)/manifest.json wrk ## every benchmark section at smoke-test sizes (about 1 minute) → reports/
	$(BIN)/python -m benchmarks.run --model $(MODEL_DIR) --out reports --quick

bench-spark: $(MODEL_DIR)/manifest.json java ## Spark local mode vs in-process throughput on 200,000 messages, 1 vs 2 workers
	$(BIN)/python -m benchmarks.spark_bench --model $(MODEL_DIR)

soak: $(MODEL_DIR)/manifest.json ## drive a real signals serve on loopback for 5 minutes; memory and latency over time
	$(BIN)/python -m benchmarks.soak --model $(MODEL_DIR)

spark-sample: $(MODEL_DIR)/manifest.json java ## score a Parquet copy of examples/messages.jsonl on local Spark → out/scored/messages
	$(BIN)/python -m benchmarks.make_sample_parquet examples/messages.jsonl out/sample.parquet
	rm -rf out/scored
	$(BIN)/signals spark-score out/sample.parquet out/scored --model $(MODEL_DIR)

clean: ## remove the virtualenv, models and reports
	rm -rf $(VENV) models/signals-* reports out
