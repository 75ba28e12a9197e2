#!/bin/sh
# Set up on first use, then start the desk on data/ (pass --data DIR for another folder).
set -e
cd "$(dirname "$0")"
sh scripts/setup.sh
exec .venv/bin/python -m deskapp "$@"
