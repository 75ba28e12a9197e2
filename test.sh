#!/bin/sh
# Set up everything the tests need (Debian packages, .venv with test extras), then run
# the whole suite. Extra arguments go to pytest.
set -e
cd "$(dirname "$0")"
sh scripts/system-packages.sh
sh scripts/setup.sh test
exec .venv/bin/python -m pytest "$@"
