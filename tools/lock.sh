#!/bin/sh
# Writes the locks in requirements/ from pyproject.toml: every package with its exact version
# and the hashes of its files on PyPI, so every installation gets exactly what was tested.
#
#   sh tools/lock.sh            add what pyproject.toml has gained, keep every other version
#   sh tools/lock.sh --upgrade  move every package to its newest allowed version
#
#   requirements/test-lock.txt  everything: the generator, the tests and the benchmark (extras
#                               "test" and "bench"); tests/run.sh installs it
#   requirements/lock.txt       the generator alone (the README's first command, publishing);
#                               the same versions as in test-lock.txt
#
# Deterministic: PyPI only (this machine's pip configuration, local wheel folders and mirrors
# are ignored, so the hashes are PyPI's), and a rerun without --upgrade changes nothing
# unless pyproject.toml has. The locks are resolved for Python 3.11 on Linux, as CI runs.
set -eu
cd "$(dirname "$0")/.."
upgrade=""
case "${1:-}" in
  "") ;;
  --upgrade) upgrade="--upgrade" ;;
  *) echo "bruk: sh tools/lock.sh [--upgrade]" >&2; exit 2 ;;
esac
python3 -P -c 'import piptools' 2>/dev/null || python3 -m pip install --quiet "pip-tools>=7.4"
mkdir -p requirements
compile() {
  env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL -u PIP_CONSTRAINT \
      -u PIP_REQUIRE_HASHES PIP_CONFIG_FILE=/dev/null CUSTOM_COMPILE_COMMAND="sh tools/lock.sh" \
    python3 -P -m piptools compile --quiet --resolver=backtracking --generate-hashes \
      --strip-extras --allow-unsafe --build-deps-for editable --no-emit-index-url \
      --no-emit-find-links \
      --index-url https://pypi.org/simple "$@" pyproject.toml
}
compile $upgrade --extra test --extra bench --output-file requirements/test-lock.txt
# The generator's own lock takes its versions from the full one: pip-compile keeps the
# versions already in its output file, so start that file from test-lock.txt.
cp requirements/test-lock.txt requirements/lock.txt
compile --output-file requirements/lock.txt
echo "Låst: $(grep -c '==' requirements/lock.txt) pakker for generatoren, \
$(grep -c '==' requirements/test-lock.txt) med testene og ytelsesmålingen (requirements/)."
