# Two entry points for a newcomer on a fresh machine (python3 and make only):
#   make demo   build the environment, simulate the built-in scenarios, show the comparison
#               and serve the dashboard on http://localhost:8501
#   make test   build the environment (and Debian's chromium for the browser test) and run
#               the whole test suite (what CI runs)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

DEMO_CONFIGS := configs/baseline.yaml configs/saptah_2024.yaml configs/saptah_2024_staggered.yaml \
	configs/saptah_2024_gap_targeted.yaml configs/saptah_2024_tight_platform.yaml \
	configs/saptah_2024_autoscaled.yaml
PORT ?= 8501

.PHONY: demo dashboard test browser lint bench golden clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/karmasim compare $(DEMO_CONFIGS)
	$(MAKE) --no-print-directory dashboard

dashboard: $(STAMP)
	@echo "Dashboard: http://localhost:$(PORT)  (Ctrl-C stops it)"
	$(BIN)/streamlit run dashboard/app.py --server.port $(PORT) --server.headless true \
		--browser.gatherUsageStats false

# The browser test drives Debian's chromium (Playwright cannot download browsers here).
browser:
	@command -v chromium >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; }

test: $(STAMP) browser
	$(BIN)/ruff check sim tests benchmarks dashboard
	$(BIN)/ruff format --check sim tests benchmarks dashboard
	$(BIN)/python -m pytest -n 2 --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check --fix sim tests benchmarks dashboard
	$(BIN)/ruff format sim tests benchmarks dashboard

bench: $(STAMP)
	$(BIN)/karmasim bench

# Regenerate the golden back-test's fingerprints: only for a deliberate change of results,
# explained in the commit message (tests/golden/__init__.py).
golden: $(STAMP)
	$(BIN)/python -m tests.golden

clean:
	rm -rf $(VENV) results test-output
