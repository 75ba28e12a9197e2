#!/bin/sh
# The gates ./test.sh runs before the suite: lint and format (ruff, rule set in pyproject.toml), types
# (mypy: strict on the core deskapp/, checked on screens/), and the layers (import-linter contracts:
# the core knows no screen, screens do not import the app shell). Each prints what it found and stops the run.
set -e
cd "$(dirname "$0")/.."
echo "gates: ruff check" >&2
.venv/bin/ruff check --quiet .
echo "gates: ruff format --check" >&2
.venv/bin/ruff format --check --quiet .
echo "gates: mypy (strict on deskapp/, checked on screens/)" >&2
.venv/bin/mypy
echo "gates: import-linter" >&2
.venv/bin/lint-imports --no-cache
