# Set-up and the project's two main jobs. Everything installs itself on first use.
PYTHON ?= python3
GRAPH ?= graphs/aws-us-east-1-2025-10-20.yaml
UV := .tools/bin/uv
export UV_PYTHON_DOWNLOADS := never

.PHONY: report test lint bench clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet 'uv==0.13.9'

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --quiet --python $(PYTHON)
	touch $@

## report: SPOF report of the shipped 2025-10-20 graph, printed to the terminal
report: .venv/.synced
	.venv/bin/blast spof $(GRAPH)

## test: lint and type-check, then the whole test suite
test: .venv/.synced
	.venv/bin/ruff check blast tests $(wildcard bench app.py)
	.venv/bin/ruff format --check --quiet blast tests $(wildcard bench app.py)
	.venv/bin/mypy
	.venv/bin/pytest -q

bench: .venv/.synced
	.venv/bin/python bench/analysis_bench.py

clean:
	rm -rf .venv .tools
