# tuoyu — make run (serve the demo) · make test (the whole suite) · make bench (benchmarks)
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
PORT ?= 8000
VENDOR := tuoyu/static/vendor

.PHONY: run test bench install install-test assets messages lint ci clean

$(UV):
	@echo "uv not found: installing it with pip (user site)…"
	python3 -m pip install --user --quiet uv

install: $(UV) assets
	$(UV) sync --frozen --no-dev
	$(UV) run --frozen --no-dev tuoyu compile-translations

assets: $(VENDOR)/.stamp

$(VENDOR)/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)/bootstrap $(VENDOR)/htmx $(VENDOR)/echarts
	cp node_modules/bootstrap/dist/css/bootstrap.min.css $(VENDOR)/bootstrap/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js $(VENDOR)/bootstrap/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	touch $@

run: install
	TUOYU_MFA=off $(UV) run --frozen --no-dev tuoyu demo
	@echo ""
	@echo "tuoyu: http://127.0.0.1:$(PORT)/   (演示环境，双因素认证已关闭 / demo: two-factor auth is off)"
	TUOYU_MFA=off TUOYU_DEMO=on PORT=$(PORT) $(UV) run --frozen --no-dev tuoyu serve

install-test: $(UV) assets
	$(UV) sync --frozen
	$(UV) run --frozen tuoyu compile-translations
	@bash scripts/ensure-system-packages.sh

lint: install-test
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen lint-imports

# The suite runs on every core (pytest-xdist; each worker has its own test database and files):
# PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= auto
test: install-test
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen lint-imports
	$(UV) run --frozen pytest -p no:cacheprovider -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# make bench: the load benchmark, then the registration import benchmark (about 5 minutes together). The issue's
# figures: make bench BENCH_ARGS="--scale province --rounds 3" IMPORT_BENCH_ARGS="--rows 5000 --rounds 3"
BENCH_ARGS ?= --seconds 10
IMPORT_BENCH_ARGS ?= --rows 1000 --rounds 2 --memory-rows 0
bench: install-test
	$(UV) run --frozen python -m bench.run $(BENCH_ARGS)
	$(UV) run --frozen python -m bench.importbench $(IMPORT_BENCH_ARGS)

messages: install-test  ## refresh the English catalogue from the Chinese msgids (needs GNU gettext)
	$(UV) run --frozen tuoyu makemessages -l en --ignore=node_modules --ignore=.venv --ignore=var --ignore=bench \
		--ignore="tuoyu/*/tests/*" --ignore=tests --no-obsolete
	$(UV) run --frozen tuoyu compile-translations

clean:
	rm -rf $(VENDOR) node_modules .venv
