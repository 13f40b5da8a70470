#!/usr/bin/env bash
# Checks docker-compose.yml with `docker compose config`. Machines without the compose plugin get
# it built once from the Go module proxy (pinned version) into ~/.docker/cli-plugins.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! docker compose version >/dev/null 2>&1; then
  echo "docker compose plugin not found: building docker/compose v2.29.7 with Go (once)…"
  work=$(mktemp -d)
  (cd "$work" && GOFLAGS=-mod=mod GOBIN="$work/bin" go install github.com/docker/compose/v2/cmd@v2.29.7)
  mkdir -p "$HOME/.docker/cli-plugins"
  mv "$work/bin/cmd" "$HOME/.docker/cli-plugins/docker-compose"
  rm -rf "$work"
fi
docker compose config -q
echo "docker compose config: docker-compose.yml is valid"
