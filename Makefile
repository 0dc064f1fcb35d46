# Two entry points for a newcomer on a fresh machine (python3 and make only):
#   make demo   build the environment, simulate the built-in scenarios, show the comparison
#   make test   build the environment and run the whole test suite (what CI runs)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/karmasim compare configs/baseline.yaml configs/saptah_2024.yaml

test: $(STAMP)
	$(BIN)/ruff check sim tests benchmarks dashboard
	$(BIN)/ruff format --check sim tests benchmarks dashboard
	$(BIN)/python -m pytest -n 2 --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check --fix sim tests benchmarks dashboard
	$(BIN)/ruff format sim tests benchmarks dashboard

bench: $(STAMP)
	$(BIN)/karmasim bench

clean:
	rm -rf $(VENV) results test-output
