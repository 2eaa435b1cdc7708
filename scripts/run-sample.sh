#!/usr/bin/env bash
# The main job on the bundled sample: validate the sample panel's exports.
source "$(dirname "$0")/_env.sh"
cdop validate data/sample "$@"
