#!/usr/bin/env bash
# The main job on the bundled sample: build the annual report chapter into ./report
# (Markdown, HTML, Word, Excel, CSV tables and figures). Extra arguments go to
# `cdop report`, e.g. --data exports/ --year 2023/24.
source "$(dirname "$0")/_env.sh"
cdop report --out report "$@"
