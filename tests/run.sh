#!/bin/sh
# Installs what the test suite needs and runs every test, as many at a time as there are cores.
#
#   sh tests/run.sh            the locked versions (requirements/test-lock.txt, with hashes)
#   sh tests/run.sh --nyeste   the newest versions pyproject.toml allows, in a virtual
#                              environment of its own, with a list of what differs from the lock
#
# Further arguments go to pytest: sh tests/run.sh tests/test_build.py -x
# Debian packages: Chromium for the browser tests, hunspell-no, ocrmypdf and tesseract-ocr-nor
# for the importer, and Java for the Nu Html Checker.
set -eu
cd "$(dirname "$0")/.."
newest=""
if [ "${1:-}" = "--nyeste" ]; then newest=1; shift; fi

missing=""
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 \
  || missing="$missing chromium"
{ command -v hunspell >/dev/null 2>&1 && [ -f /usr/share/hunspell/nb_NO.dic ]; } \
  || missing="$missing hunspell hunspell-no"
command -v ocrmypdf >/dev/null 2>&1 || missing="$missing ocrmypdf"
tesseract --list-langs 2>/dev/null | grep -qx nor || missing="$missing tesseract-ocr-nor"
command -v java >/dev/null 2>&1 || missing="$missing default-jre-headless"
if [ -n "$missing" ]; then
  echo "Installerer Debian-pakkene$missing for nettlesertestene, importen og HTML-kontrollen …"
  if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi

pip_quiet="--quiet --disable-pip-version-check --root-user-action=ignore"
if [ -z "$newest" ]; then
  python=python3
  # shellcheck disable=SC2086
  $python -m pip install $pip_quiet --require-hashes -r requirements/test-lock.txt
  # shellcheck disable=SC2086
  $python -m pip install $pip_quiet --no-deps --no-build-isolation -e .
else
  venv="${TMPDIR:-/tmp}/politiradet-nyeste"
  echo "Installerer de nyeste versjonene pyproject.toml tillater, i $venv …"
  rm -rf "$venv"
  python3 -m venv "$venv"
  python="$venv/bin/python"
  # shellcheck disable=SC2086
  $python -m pip install $pip_quiet --upgrade pip
  # shellcheck disable=SC2086
  $python -m pip install $pip_quiet --upgrade --upgrade-strategy eager -e '.[test,bench]'
  $python tools/drift.py requirements/test-lock.txt
fi
exec $python -m pytest -q -n auto --dist loadscope "$@"
