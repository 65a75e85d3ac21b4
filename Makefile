# Two commands for a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
SCENARIO ?= scenarios/fontibon/scenario.yaml
OUT ?= out/fontibon

.PHONY: run test lint bench-quick clean

$(BIN)/python:
	$(shell command -v $(PYTHON) || echo python3) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed-run

## Set up and plan the bundled Fontibón scenario into out/fontibon/.
run: $(VENV)/.installed-run
	$(BIN)/pickup-net plan $(SCENARIO) --out $(OUT)

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
