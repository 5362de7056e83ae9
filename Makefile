# The two commands a newcomer needs: `make run` and `make test`.
# Both create .venv with the system's Python 3.11+ and install lendready into it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
BUNDLE_STAMP := $(VENV)/.bundle-stamp

.PHONY: run test test-fast lint bench bundle linux-package clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "lendready needs Python 3.11 or newer; found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/lendready

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

# The suite without the long fuzzing runs (CI always runs everything).
test-fast: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -m "not slow"

lint: $(STAMP)
	$(BIN)/lendready lint

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/spreadsheets.py
	$(BIN)/python bench/screening.py

# The installed app: a one-folder PyInstaller bundle in dist/lendready (dist/lendready.app on macOS),
# checked with its own --self-test (offscreen, so it runs without a display).
$(BUNDLE_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,bundle]'
	@touch $(BUNDLE_STAMP)

bundle: $(BUNDLE_STAMP)
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build/pyinstaller \
	  packaging/pyinstaller/lendready.spec
	@if [ -x dist/lendready/lendready ]; then QT_QPA_PLATFORM=offscreen dist/lendready/lendready --self-test; fi

# Linux: dist/lendready-VERSION-linux-x86_64.tar.gz with install.sh / uninstall.sh (per user, ~/.local).
linux-package: bundle
	packaging/linux/build-tarball.sh dist/lendready dist

clean:
	rm -rf $(VENV) build dist .pytest_cache
