# Set-up is two commands: `make demo` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.hwnas-installed

.PHONY: install data demo test test-fast clean

# The stack is pinned in requirements.txt (see ../shared/FACTS.md for why each pin). finn-plus goes
# in with --no-deps: its metadata pins brevitas==0.13.0, which cannot co-install with torch 2.13.
$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps finn-plus==1.6.1
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

# The default dataset offline: Debian's dataset-fashion-mnist puts the original IDX files under
# /usr/share/datasets/fashion-mnist, where `hwnas train` looks. Installed only when missing and
# apt-get is usable (as root, or through sudo without a password); anywhere else this says what to do
# and carries on, since hwnas can also read --data-dir, its cache, or download.
FASHION_MNIST := /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz
APT_INSTALL := DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist >/dev/null
data:
	@if [ -f $(FASHION_MNIST) ]; then \
		:; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
		echo "make data: no apt-get here; give hwnas train --data-dir with the Fashion-MNIST IDX files, or let it download them"; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "make data: installing Debian's dataset-fashion-mnist"; \
		(apt-get update -qq && $(APT_INSTALL)) || echo "make data: apt-get could not install dataset-fashion-mnist"; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
		echo "make data: installing Debian's dataset-fashion-mnist"; \
		(sudo apt-get update -qq && sudo $(APT_INSTALL)) || echo "make data: apt-get could not install dataset-fashion-mnist"; \
	else \
		echo "make data: run 'sudo apt-get install dataset-fashion-mnist' to train on Fashion-MNIST offline"; \
	fi

# The main job: FINN's CNV lowered with the finn-examples folding (its estimate table), then the
# search for the most accurate Fashion-MNIST network pynq-z2 runs at 1,000 fps (quick budget; one
# torch thread, which is the faster choice on a 2-core machine). Re-running resumes both.
demo: install data
	$(BIN)/hwnas lower examples/archs/cnv-w1a1.yaml --board pynq-z2 \
		--folding examples/folding/cnv-w1a1.json --out runs/demo-cnv
	$(BIN)/hwnas search --board pynq-z2 --fps 1000 --budget quick --threads 1 --out runs/demo-search

test: install data
	$(BIN)/python -m pytest -q

test-fast: install
	$(BIN)/python -m pytest -q -m "not slow"

clean:
	rm -rf runs build *.egg-info
