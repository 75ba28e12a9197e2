#!/bin/sh
# Set up everything the tests need (Debian packages, .venv with test extras), run the gates
# (ruff, mypy, import-linter: scripts/gates.sh), then the whole suite. Extra arguments go to pytest.
set -e
cd "$(dirname "$0")"
sh scripts/system-packages.sh
sh scripts/setup.sh test
sh scripts/gates.sh
exec .venv/bin/python -m pytest "$@"
