# Two commands for a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
SCENARIO ?= scenarios/fontibon/scenario.yaml
OUT ?= out/fontibon

.PHONY: run run-peak test lint bench-quick clean

$(BIN)/python:
	$(shell command -v $(PYTHON) || echo python3) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The core alone plans; the pins of constraints.txt keep every install on the tested versions.
$(VENV)/.installed-run: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

# Tests need every extra but the benchmarks' (api, batch) and the test tools.
$(VENV)/.installed-dev: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@ $(VENV)/.installed-run

## Set up and plan the bundled Fontibón scenario into out/fontibon/.
run: $(VENV)/.installed-run
	$(BIN)/pickup-net plan $(SCENARIO) --out $(OUT)

## Plan the Black Friday peak variant of Fontibón (scenarios/fontibon-peak/) into out/fontibon-peak/.
run-peak: $(VENV)/.installed-run
	$(BIN)/pickup-net plan scenarios/fontibon-peak/scenario.yaml --out out/fontibon-peak

## Set up and run the whole test suite (ruff included).
test: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests benchmarks scenarios
	$(BIN)/ruff format --check src tests benchmarks scenarios
	$(BIN)/pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests benchmarks scenarios
	$(BIN)/ruff format --check src tests benchmarks scenarios

clean:
	rm -rf $(VENV) out .cache
