# Set-up is two commands: `make demo` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.hwnas-installed

.PHONY: install wheelhouse data chromium postgres demo test test-fast clean

# The stack is pinned in requirements.txt (see ../shared/FACTS.md for why each pin). finn-plus goes
# in with --no-deps: its metadata pins brevitas==0.13.0, which cannot co-install with torch 2.13.
$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps finn-plus==1.6.1
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

# The wheels of the package's own declared dependencies (pyproject.toml), at the versions installed
# in .venv, fetched from PyPI at install time so that tests/test_wheel.py can build a fresh venv
# from the hwnas wheel alone with pip --no-index: tests never download.
WHEELHOUSE := $(VENV)/wheelhouse
$(WHEELHOUSE)/.complete: pyproject.toml requirements.txt $(STAMP)
	mkdir -p $(WHEELHOUSE)
	$(BIN)/pip freeze --exclude-editable > $(WHEELHOUSE)/constraints.txt
	$(BIN)/pip download -q -d $(WHEELHOUSE) -c $(WHEELHOUSE)/constraints.txt \
		$$($(BIN)/python -c "import tomllib; print(' '.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))")
	touch $@

wheelhouse: $(WHEELHOUSE)/.complete

# Debian packages that make demo / make test use, installed only when missing and apt-get is usable
# (as root, or through sudo without a password); anywhere else this says what to do and carries on.
# $(1): the package; $(2): a shell test, true when it is there already; $(3): what happens without it.
define apt_install
	@if $(2); then \
		:; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
		echo "make: no apt-get here for $(1); $(3)"; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "make: installing Debian's $(1)"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(1) >/dev/null) \
			|| echo "make: apt-get could not install $(1); $(3)"; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
		echo "make: installing Debian's $(1)"; \
		(sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(1) >/dev/null) \
			|| echo "make: apt-get could not install $(1); $(3)"; \
	else \
		echo "make: run 'sudo apt-get install $(1)'; $(3)"; \
	fi
endef

# The default dataset offline: Debian's dataset-fashion-mnist puts the original IDX files under
# /usr/share/datasets/fashion-mnist, where `hwnas train` looks; hwnas can also read --data-dir, its
# cache, or download.
FASHION_MNIST := /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz
data:
	$(call apt_install,dataset-fashion-mnist,[ -f $(FASHION_MNIST) ],give hwnas train --data-dir with the Fashion-MNIST IDX files or let it download them)

# Headless Chromium for the tests that open the HTML reports as a person would (screenshots under
# build/screenshots/); without it those tests skip and say so.
chromium:
	$(call apt_install,chromium fonts-liberation,command -v chromium >/dev/null 2>&1,the report tests that need it will skip)

# PostgreSQL 15 for the tests of several search workers sharing one study (they start a throwaway
# server with initdb in a temporary folder).
postgres:
	$(call apt_install,postgresql,[ -x /usr/lib/postgresql/15/bin/initdb ],the multi-worker search tests need PostgreSQL 15)

# The main job: FINN's CNV lowered with the finn-examples folding (its estimate table), then the
# search for the most accurate Fashion-MNIST network pynq-z2 runs at 1,000 fps (quick budget; one
# torch thread, which is the faster choice on a 2-core machine). Re-running resumes both.
demo: install data
	$(BIN)/hwnas lower examples/archs/cnv-w1a1.yaml --board pynq-z2 \
		--folding examples/folding/cnv-w1a1.json --out runs/demo-cnv
	$(BIN)/hwnas search --board pynq-z2 --fps 1000 --budget quick --threads 1 --out runs/demo-search

test: install wheelhouse data chromium postgres
	$(BIN)/python -m pytest -q

test-fast: install
	$(BIN)/python -m pytest -q -m "not slow"

clean:
	rm -rf runs build *.egg-info
