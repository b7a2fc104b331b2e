#!/usr/bin/env bash
# Lints every workflow under .github/workflows with actionlint (a pinned version, built from its Go
# module into .local/bin, so no binary download and no registry is needed). Idempotent: an
# installed binary of the pinned version is reused. Extra arguments go to actionlint.
# actionlint also runs shellcheck on `run:` scripts when shellcheck is on PATH.
#
#   scripts/actionlint.sh --build    build (or keep) the pinned binary and lint nothing; `npm test`
#                                    runs this before jest, so no test waits for a Go build
#   scripts/actionlint.sh --cached   lint with the binary already built; fails at once, saying what
#                                    to run, when it is missing or of another version (the jest test)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

version="v1.7.12"
module="github.com/rhysd/actionlint"
bin_dir="$root/.local/bin"
bin="$bin_dir/actionlint"

mode="lint"
case "${1:-}" in
  --build | --cached) mode="${1#--}"; shift ;;
esac

if [ ! -x "$bin" ] || [ "$("$bin" -version 2>/dev/null | head -n 1)" != "$version" ]; then
  if [ "$mode" = "cached" ]; then
    echo "actionlint: $version is not built in .local/bin: run scripts/actionlint.sh --build (npm test does)" >&2
    exit 1
  fi
  command -v go >/dev/null || { echo "actionlint: Go is required to build actionlint $version (https://go.dev/dl/)" >&2; exit 1; }
  echo "actionlint: building $module $version into .local/bin (once)..." >&2
  mkdir -p "$bin_dir"
  log="$(mktemp)"
  if ! GOBIN="$bin_dir" go install "$module/cmd/actionlint@$version" 2>"$log"; then
    # Some proxies refuse the version list `go install module@version` asks for; downloading the
    # exact version and building inside it needs only that version (as provider-mirror.sh does).
    cat "$log" >&2
    moddir="$(go mod download -json "$module@$version" | node -e '
      let s = ""; process.stdin.on("data", d => (s += d)).on("end", () => {
        const m = JSON.parse(s);
        if (m.Error) { console.error("actionlint: " + m.Error); process.exit(1); }
        console.log(m.Dir);
      });')"
    (cd "$moddir" && go build -trimpath -ldflags "-X $module.version=$version" -o "$bin.tmp" ./cmd/actionlint)
    mv "$bin.tmp" "$bin"
  fi
  rm -f "$log"
fi

[ "$mode" = "build" ] && exit 0
exec "$bin" -no-color "$@"
