#!/usr/bin/env bash
# The offline VS Code end-to-end run: the mocha suite inside code-server's extension host (trusted, then in Restricted
# Mode), then the UI test driving
# the workbench through headless Chromium with the packaged .vsix installed. Tools are cached outside the repo
# (TINYML_E2E_TOOLS, default ~/.cache/tinyml-lens-e2e), so a rerun installs nothing.
#   npm run test:e2e                      # from the repository root
#   E2E_UPDATE_DOCS=1 npm run test:e2e    # also copy the README screenshots to docs/images/
set -euo pipefail
cd "$(dirname "$0")/../.."
ms() { date +%s%3N; }
t0=$(ms)

eval "$(bash test/e2e/setup-tools.sh)"
echo "TIMING e2e tools ready: $(( $(ms) - t0 )) ms"

# The project builds with its own Node (20); only code-server and the drivers run on the tools' Node 24.
t=$(ms)
npm run -s build
npm run -s package >/dev/null
echo "TIMING build + vsce package: $(( $(ms) - t )) ms"

NODE24_BIN=$(dirname "$E2E_NODE")
status=0
t=$(ms)
PATH="$NODE24_BIN:$PATH" node test/e2e/run-exthost.mjs || status=1
echo "TIMING extension-host suite: $(( $(ms) - t )) ms"
# Once more in Restricted Mode: the analysis must run there and the extension must write no files.
t=$(ms)
PATH="$NODE24_BIN:$PATH" E2E_UNTRUSTED=1 node test/e2e/run-exthost.mjs || status=1
echo "TIMING extension-host suite, untrusted workspace: $(( $(ms) - t )) ms"
t=$(ms)
PATH="$NODE24_BIN:$PATH" VSIX="$PWD/tinyml-lens.vsix" node --test --test-reporter=spec test/e2e/ui.test.mjs || status=1
echo "TIMING UI test: $(( $(ms) - t )) ms"
t=$(ms)
PATH="$NODE24_BIN:$PATH" VSIX="$PWD/tinyml-lens.vsix" node --test --test-reporter=spec test/e2e/viewer.test.mjs || status=1
echo "TIMING model viewer UI test: $(( $(ms) - t )) ms"
t=$(ms)
PATH="$NODE24_BIN:$PATH" VSIX="$PWD/tinyml-lens.vsix" node --test --test-reporter=spec test/e2e/quantize.test.mjs || status=1
echo "TIMING quantize UI test: $(( $(ms) - t )) ms"
t=$(ms)
PATH="$NODE24_BIN:$PATH" VSIX="$PWD/tinyml-lens.vsix" node --test --test-reporter=spec test/e2e/convert.test.mjs || status=1
echo "TIMING convert UI test: $(( $(ms) - t )) ms"

if [ "${E2E_UPDATE_DOCS:-}" = 1 ] && [ $status -eq 0 ]; then
  mkdir -p docs/images
  cp .artifacts/e2e/{problems,hover,listing-hover,cost-profile,cost-profile-charts,select-target,manifest-highlighting,viewer-plan,viewer-graph,viewer-compare}.png docs/images/
  echo "copied the screenshots to docs/images/"
fi
echo "TIMING e2e total: $(( $(ms) - t0 )) ms; screenshots in .artifacts/e2e/"
exit $status
