#!/usr/bin/env bash
# Refreshes the vendored chart library (engine/web/vendor) from npm at the pinned version; change VERSION here and in NOTICE.
set -euo pipefail; VERSION=5.2.1; cd "$(dirname "$0")/.."; T=$(mktemp -d); (cd "$T" && npm pack --silent "lightweight-charts@$VERSION" >/dev/null && tar xzf "lightweight-charts-$VERSION.tgz"); cp "$T/package/dist/lightweight-charts.standalone.production.js" engine/web/vendor/; rm -rf "$T"
