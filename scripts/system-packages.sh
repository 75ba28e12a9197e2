#!/bin/sh
# Debian packages the test suite uses for real parts: a CUPS server with a virtual PDF
# printer (printing tests), tmux (the terminal run-through), chromium (the served desk driven
# in a real headless browser; playwright launches this one and never downloads its own). Installs only what is missing.
set -e
need=""
for pkg in cups cups-client printer-driver-cups-pdf tmux chromium fonts-noto-cjk; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need="$need $pkg"
done
[ -z "$need" ] && exit 0
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
echo "安装系统软件包:$need" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null
