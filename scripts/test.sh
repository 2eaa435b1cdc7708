#!/usr/bin/env bash
# Everything CI checks: lint, format, types, then the tests with doctests.
source "$(dirname "$0")/_env.sh"
echo "== ruff"; ruff check . && ruff format --check .
echo "== mypy --strict"; mypy
echo "== pytest"; pytest "$@"
