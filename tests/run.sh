#!/bin/sh
# Installs what the test suite needs (Python packages, Debian's Chromium) and runs all tests.
set -eu
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  echo "Installerer Chromium (Debian-pakken «chromium») for nettlesertestene …"
  if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
if ! command -v hunspell >/dev/null 2>&1 || [ ! -f /usr/share/hunspell/nb_NO.dic ] \
    || ! command -v ocrmypdf >/dev/null 2>&1 \
    || ! tesseract --list-langs 2>/dev/null | grep -qx nor; then
  echo "Installerer hunspell-no (norsk ordliste) og ocrmypdf med tesseract-ocr-nor for importen …"
  if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq hunspell hunspell-no ocrmypdf \
    tesseract-ocr-nor >/dev/null
fi
python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'
exec python3 -m pytest -q "$@"
