# The two set-up commands:   make run   (the app on the demo evaluation)   make test   (the suite)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test bench lint dist dist-test wheel-test clean system-deps-run system-deps-test

$(STAMP): pyproject.toml
	scripts/system-deps.sh test
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	$(PY) -m compileall -q svdesk  # bytecode up front: a start from source compiles ~90 modules first
	touch $(STAMP)

system-deps-run:
	scripts/system-deps.sh run

system-deps-test:
	scripts/system-deps.sh test

run: $(STAMP) system-deps-run
	@if [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ] && [ -z "$$QT_QPA_PLATFORM" ]; then \
	  echo "make run: no display here: svdesk opens on a virtual screen (Xvfb), for screenshots and checks;"; \
	  echo "          on a desktop, make run opens the window you can use."; \
	  exec xvfb-run -a -s "-screen 0 1366x768x24" $(VENV)/bin/svdesk --demo; fi
	$(VENV)/bin/svdesk --demo

test: $(STAMP) system-deps-test
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m benchmarks

dist: $(STAMP)
	$(PY) -m pip install -q 'pyinstaller>=6.6'
	$(VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build build.spec
	@du -sh dist/svdesk | sed 's/^/bundle size: /'

dist-test: $(STAMP)
	$(PY) -m pip install -q 'pyinstaller>=6.6'
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -s -m bundle tests/test_bundle.py

# a wheel built from a clean copy of the checkout, installed into a fresh venv: --self-check and catalogue
wheel-test: system-deps-test
	PYTHON=$(PYTHON) scripts/wheel-check.sh

lint: $(STAMP)
	$(PY) -m pip install -q 'ruff==0.17.6' 'mypy==2.4.1' 'import-linter>=2.1'
	$(VENV)/bin/ruff check svdesk tests benchmarks tools
	$(VENV)/bin/ruff format --check svdesk tests benchmarks tools
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

clean:
	rm -rf $(VENV) build dist .pytest_cache
