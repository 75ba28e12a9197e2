#!/bin/sh
# Set up on first use, then start the desk on the checkout's data/ (unless DESK_DATA is set;
# --data DIR, before or after a subcommand, picks another folder).
set -e
cd "$(dirname "$0")"
sh scripts/setup.sh
[ -n "${DESK_DATA:-}" ] || set -- --data "$(pwd)/data" "$@"
exec .venv/bin/python -m deskapp "$@"
