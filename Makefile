# Set-up and the project's two main jobs. Everything installs itself on first use.
PYTHON ?= python3
GRAPH ?= graphs/aws-us-east-1-2025-10-20.yaml
UV := .tools/bin/uv
export UV_PYTHON_DOWNLOADS := never

.PHONY: report test lint bench clean dashboard browser native

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet 'uv==0.13.9'

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --quiet --compile-bytecode --python $(PYTHON)
	.venv/bin/python -m compileall -q blast
	touch $@

## native: the time engine compiled with mypyc into .build/ (kept only while its sources
## are unchanged; without a C compiler the engine runs as pure Python: see blast/sim/native.py)
native: .venv/.synced
	.venv/bin/python -c 'import sys; from blast.sim.native import main; sys.exit(main(["build"]))'

## report: SPOF report of the shipped 2025-10-20 graph, printed to the terminal
report: native
	.venv/bin/blast spof $(GRAPH)

## dashboard: the dashboard on the shipped graph, on http://127.0.0.1:8050/ (PORT=, GRAPH=)
PORT ?= 8050
dashboard: native
	.venv/bin/python app.py --graph $(GRAPH) --host 127.0.0.1 --port $(PORT)

# browser: Debian's chromium and chromedriver for the browser tests (no-op when present)
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium chromium-driver; }

## test: lint and type-check, then the whole test suite
test: native browser
	.venv/bin/ruff check blast tests dashboard $(wildcard bench app.py)
	.venv/bin/ruff format --check --quiet blast tests dashboard $(wildcard bench app.py)
	.venv/bin/mypy
	.venv/bin/mypy dashboard app.py
	.venv/bin/python -m compileall -q blast  # bytecode even under PYTHONDONTWRITEBYTECODE
	.venv/bin/pytest -q

bench: native
	.venv/bin/python bench/analysis_bench.py

clean:
	rm -rf .venv .tools .build
