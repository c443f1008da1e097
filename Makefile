# ConvNets from Scratch. `make serve` builds and serves the book; `make test` runs every test.
# Both set up what they need first (a virtual environment in .venv/, npm packages for the site).
VENV := .venv
PYTHON := $(VENV)/bin/python
PORT ?= 8000

.PHONY: setup book catalogs serve check test release notebooks bench lab chromium mutants publish clean

setup: $(VENV)/.installed book/_offline/vendor/.copied

$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -r requirements.txt
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error

book/_offline/vendor/.copied: node_modules/.package-lock.json scripts/vendor_site_assets.py $(VENV)/.installed
	$(PYTHON) scripts/vendor_site_assets.py
	touch $@

book: setup  # English at _build/html/, Korean at _build/html/ko/
	$(PYTHON) scripts/build_book.py -- --warningiserror --keep-going

catalogs: setup  # the translation catalogs (locales/) refreshed from the pages' sources and figures
	$(PYTHON) scripts/update_catalogs.py

serve: book
	@echo "Serving the book at http://127.0.0.1:$(PORT)/ (Ctrl+C to stop)"
	$(PYTHON) -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

chromium:
	scripts/install_chromium.sh

check: $(VENV)/.installed  # lint, format check and the fast tests (no book build, no grading run)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PYTHON) -m pytest -m "not slow"

test: setup chromium
	$(PYTHON) -m pytest

release: setup
	$(PYTHON) -m autograder release

notebooks: setup  # book/<chapter>.ipynb and locales/<language>/book/<chapter>.ipynb from the chapters' MyST (the launch buttons)
	$(PYTHON) scripts/chapter_notebooks.py

mutants: setup  # mutation-test every assignment's hidden tests (all mutants; CI grades a sample)
	$(PYTHON) -m autograder mutants

bench: setup
	$(PYTHON) benchmarks/bench_conv.py

lab: setup
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=exercises $(if $(filter 0,$(shell id -u)),--allow-root)

# The public course (book, releases, convnets/, the grader's code; no solutions/, hidden tests or
# reference values) into DIR, a new or empty folder outside the repository: make publish DIR=../public
publish: $(VENV)/.installed
	$(PYTHON) scripts/publish.py $(DIR)

clean:
	rm -rf _build book/_offline/vendor grading
