# Two entry points, both idempotent: `make demo` and `make test`.
# Everything installs into .venv with the pinned versions of constraints.txt.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.kg-installed

.PHONY: install demo test lint bench train train-data agreement clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# the distribution was called "kg" before it became kg-papers: drop that stale install
	$(BIN)/python -m pip uninstall --quiet --yes kg 2>/dev/null || true
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,dask]'
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install kg with pinned dependencies

demo: install  ## build the graph of the bundled sample into outputs/
	$(BIN)/kg build

test: install  ## run the whole test suite, slow tests included (CI runs this)
	$(BIN)/python -m pytest -q --runslow

lint: install
	$(BIN)/ruff check kg tests bench
	$(BIN)/mypy kg

bench: install
	$(BIN)/python bench/extract.py

train: install  ## rebuild the learned extractor (vectors, tagger, roles, entity filter) from train/data: see train/README.md
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[train]'
	$(BIN)/python train/build.py

agreement: install  ## inter-annotator agreement on the dev papers annotated twice (train/README.md)
	$(BIN)/python train/agreement.py

ANNOT ?= /work/annot
train-data: install  ## collect the annotators' files from $(ANNOT) into train/data (checked, merged with texts)
	$(BIN)/python train/collect.py $(ANNOT) train/data

clean:
	rm -rf $(VENV) build *.egg-info
