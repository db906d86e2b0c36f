# Shortcuts for tools/dev.py (python3 tools/dev.py --help for options).
PYTHON ?= python3

.PHONY: run test lint readme

run:
	$(PYTHON) tools/dev.py run

test:
	$(PYTHON) tools/dev.py test

lint:
	$(PYTHON) tools/dev.py lint

readme:
	$(PYTHON) tools/dev.py readme
