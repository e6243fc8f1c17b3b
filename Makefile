# The two commands of the README: `make review` and `make test`.
# Both create .venv when absent and install the package; re-running is fast
# when pyproject.toml has not changed.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.qualepref-installed
LAB_STAMP := $(VENV)/.qualepref-lab-installed
OUT ?= build/review

.PHONY: review test lab validate demo-data clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
	@touch $@

## make review: the annual review of the demo data, in build/review/index.html
review: $(STAMP)
	$(BIN)/qualepref review --out $(OUT)

## make test: the layers contract (import-linter), the test suite, then the batch tests again on
## the path of Windows and macOS (kernels over TCP, each a new interpreter: QUALEPREF_PORTABLE=1)
test: $(STAMP)
	$(BIN)/lint-imports
	$(BIN)/python -m pytest
	QUALEPREF_PORTABLE=1 $(BIN)/python -m pytest -q tests/test_batch_runner.py tests/test_publishing.py

## make validate: check the demo data files against the data contract
validate: $(STAMP)
	$(BIN)/qualepref validate data/demo --quarantine build/quarantine.csv

## make demo-data: regenerate data/demo (deterministic)
demo-data: $(STAMP)
	$(BIN)/qualepref demo-data data/demo

$(LAB_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[lab]"
	@touch $@

## make lab: JupyterLab on notebooks/ with the project's environment (for analysts)
lab: $(LAB_STAMP)
	cd notebooks && ../$(BIN)/jupyter lab

clean:
	rm -rf build .pytest_cache
