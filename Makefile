# warmgrid — the two set-up commands are `make demo` and `make test`.
# Each bootstraps .venv from uv.lock when needed (uv itself comes from PyPI).

UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
STAMP := $(VENV)/.synced

.PHONY: demo test lint format typecheck docs doctest bench clean

demo: $(STAMP)
	$(VENV)/bin/warmgrid demo
	rm -rf .demo && mkdir -p .demo
	$(VENV)/bin/warmgrid serve --db sqlite:///.demo/warmgrid.db --seed-demo --demo-tokens

test: $(STAMP)
	$(VENV)/bin/ruff check --no-cache src tests bench
	$(VENV)/bin/ruff format --no-cache --check src tests bench
	$(MAKE) --no-print-directory typecheck docs
	$(VENV)/bin/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)
	$(MAKE) --no-print-directory doctest

# The Python examples of the README and of docs/ run as tests (pytest-markdown-docs).
doctest: $(STAMP)
	$(VENV)/bin/python -m pytest --markdown-docs -q -p no:randomly README.md docs

lint: $(STAMP)
	$(VENV)/bin/ruff check --no-cache src tests bench
	$(VENV)/bin/ruff format --no-cache --check src tests bench

format: $(STAMP)
	$(VENV)/bin/ruff format src tests bench
	$(VENV)/bin/ruff check --fix src tests bench

typecheck: $(STAMP)
	$(VENV)/bin/mypy

docs: $(STAMP)
	$(VENV)/bin/mkdocs build --strict --site-dir site

bench: $(STAMP)
	@for script in bench/*.py; do echo "== $$script"; $(VENV)/bin/python $$script || exit 1; done

$(UV):
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet "uv==$(UV_VERSION)"

$(STAMP): uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --all-extras --compile-bytecode --python python3.11
	touch $(STAMP)

clean:
	rm -rf $(VENV) $(TOOLS)
