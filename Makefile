# copro-news: make demo | make test | make bench | make lint
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo)

.PHONY: demo test lint bench bench-send bench-preview bench-check browser system-packages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Debian's packages that the tests run for real: Chromium for the browser and accessibility
# tests (never a downloaded browser), SpamAssassin for the spam score of the built email.
# apt-get runs only when one of them is missing.
SYSTEM_PACKAGES := chromium:/usr/bin/chromium spamassassin:/usr/bin/spamassassin

system-packages:
	@missing=""; for entry in $(SYSTEM_PACKAGES); do \
	  pkg=$${entry%%:*}; path=$${entry#*:}; \
	  if [ -x "$$path" ]; then echo "$$pkg: $$path"; else missing="$$missing $$pkg"; fi; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing Debian's$$missing for the tests..."; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else echo "No apt-get here: the tests that need$$missing will be skipped."; fi

browser: system-packages

demo: $(VENV)/.installed
	rm -rf demo
	$(BIN)/copro-news init demo --name "Co-Production Collective" --email news@example.org \
	  --postal-address "1 Example Street, London, N1 1AA" --website https://example.org
	cd demo && ../$(BIN)/copro-news draft
	@echo
	@echo "The demo workspace is in ./demo; the built issue is in ./demo/drafts/*/build/:"
	@ls -1 demo/drafts/*/build/issue.*
	cd demo && ../$(BIN)/copro-news send --test me@example.org --offline
	cd demo && ../$(BIN)/copro-news send --yes --offline
	cd demo && ../$(BIN)/copro-news status
	@ls -1 demo/outbox/*.eml
	cd demo && ../$(BIN)/copro-news web --all --offline
	@echo
	@echo "The web edition is in ./demo/site/ (open demo/site/index.html in a browser);"
	@echo "the issue's body for a CMS is in ./demo/drafts/*/build/web.html and web.md."

bench-send: $(VENV)/.installed-test
	$(BIN)/python bench/send_calls.py

bench-check: $(VENV)/.installed
	$(BIN)/python bench/check_bench.py

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

test: $(VENV)/.installed-test system-packages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -n auto --maxprocesses 4  # the tests in parallel, one process a core

bench: $(VENV)/.installed
	$(BIN)/python bench/run.py

# Save to updated page in the browser preview, in headless Chromium.
bench-preview: $(VENV)/.installed-test browser
	$(BIN)/python bench/preview_bench.py

clean:
	rm -rf $(VENV) demo build dist *.egg-info .pytest_cache .ruff_cache
