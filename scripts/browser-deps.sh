#!/usr/bin/env bash
# Debian's chromium for the browser tests (Playwright drives it; its own browser download is not used)
# and CJK fonts so that Chinese renders in screenshots and PDFs; gettext for the catalogue test
# (tests/test_translations.py runs makemessages) and `make messages`; poppler-utils (with poppler-data, the
# CJK CMaps) so that tests/review/test_pdf.py can read the text of the joint-review form with pdftotext.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "cjk" && command -v xgettext >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 && [ -d /usr/share/poppler/cMap ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "chromium, CJK fonts, gettext or poppler missing; as root: apt-get install chromium fonts-noto-cjk gettext poppler-utils poppler-data (browser and PDF text tests will be skipped)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk fontconfig gettext poppler-utils poppler-data >/dev/null
