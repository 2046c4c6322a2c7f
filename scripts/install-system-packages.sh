#!/usr/bin/env bash
# Installs the Debian packages the portal needs (skips those already installed):
#   fonts-noto-cjk + libharfbuzz-subset0 + Pango: WeasyPrint PDFs in Traditional Chinese (harfbuzz-subset
#   keeps a CJK page under a second instead of 10+ s); gettext: compiling translations; chromium: the
#   browser tests (Playwright drives Debian's /usr/bin/chromium; no browser is downloaded); nginx + openssl: the
#   reverse-proxy test (tests/test_proxy_stack.py runs docker/nginx.conf on loopback with a throwaway cert).
set -euo pipefail
packages=(fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 gettext chromium poppler-utils nginx openssl)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing Debian packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
