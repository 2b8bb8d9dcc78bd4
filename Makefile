# Set-up is two commands: `make demo` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.hwnas-installed

.PHONY: install demo test test-fast clean

# The stack is pinned in requirements.txt (see ../shared/FACTS.md for why each pin). finn-plus goes
# in with --no-deps: its metadata pins brevitas==0.13.0, which cannot co-install with torch 2.13.
$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps finn-plus==1.6.1
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/hwnas lower examples/archs/cnv-w1a1.yaml --board pynq-z2 \
		--folding examples/folding/cnv-w1a1.json --out runs/demo-cnv

test: install
	$(BIN)/python -m pytest -q

test-fast: install
	$(BIN)/python -m pytest -q -m "not slow"

clean:
	rm -rf runs build *.egg-info
