#!/usr/bin/env bash
# Everything CI checks: lint, format, types, then the tests with doctests.
source "$(dirname "$0")/_env.sh"
echo "== ruff"; ruff check . && ruff format --check .
echo "== mypy --strict"; mypy
# One test process per core (pytest-xdist); each test file stays in one process, so the
# chapters a file builds once are built once. Pass -n 0 to run in this process.
echo "== pytest"; pytest --numprocesses=auto --dist=loadfile "$@"
