#!/usr/bin/env bash
# Runs the auth0/auth0 provider's own acceptance tests for Actions, trigger bindings and Action Modules live
# against the local tenant (`npm run local-tenant`), the way the provider's maintainers run them
# against a real tenant: TF_ACC=1, AUTH0_DOMAIN, AUTH0_API_TOKEN, no HTTP recordings.
#
# The provider's Go source is copied from the Go module cache at run time (never committed),
# its test binary is built once (Go's build cache keeps it), and the tests run against a fresh
# local tenant on a free port with a temporary state directory.
#
# Usage: scripts/provider-acceptance.sh [go test -run regexp]
# Output: the tests' verbose log, then one line "N passed, N failed". Exit 0 only when all pass.
# Environment: PROVIDER_ACCEPTANCE_WORKDIR (default .local/provider-acceptance) holds the copy.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

# Every acceptance test of the package: Actions, secrets_wo, the data source, bindings (one and
# many) and Action Modules with their versions and data sources (13 tests in v1.54.1).
tests="${1:-^TestAcc}"
summary() { echo "$1 passed, $2 failed"; }
die() { echo "provider-acceptance: $*" >&2; summary 0 1; exit 1; }

command -v go >/dev/null || die "go is not on PATH: it builds the provider's acceptance tests"
command -v terraform >/dev/null || die "terraform is not on PATH: the acceptance tests drive the real Terraform"
version="$(node -p "require('./cdktf.json').terraformProviders.find(p => p.startsWith('auth0/auth0@')).split('@')[1]")"

moddir="$(go mod download -json "github.com/auth0/terraform-provider-auth0@v$version" | node -e '
  let s = ""; process.stdin.on("data", d => (s += d)).on("end", () => {
    const m = JSON.parse(s);
    if (m.Error) { console.error(m.Error); process.exit(1); }
    console.log(m.Dir);
  });')" || die "cannot download github.com/auth0/terraform-provider-auth0@v$version from the Go module proxy"

work="${PROVIDER_ACCEPTANCE_WORKDIR:-$root/.local/provider-acceptance}"
src="$work/terraform-provider-auth0@v$version"
if [ ! -f "$src/go.mod" ]; then
  echo "provider-acceptance: copying the provider's source v$version from the module cache" >&2
  rm -rf "$src.tmp" && mkdir -p "$work" && cp -R "$moddir" "$src.tmp" && chmod -R u+w "$src.tmp" && mv "$src.tmp" "$src"
fi
binary="$work/action.test"
if [ ! -x "$binary" ] || [ "$src/go.mod" -nt "$binary" ]; then
  echo "provider-acceptance: building the acceptance tests of internal/auth0/action (a cold build takes minutes)" >&2
  (cd "$src" && go test -c -o "$binary.tmp" ./internal/auth0/action/) >&2 || die "building the provider's tests failed (see above)"
  mv "$binary.tmp" "$binary"
fi

state="$(mktemp -d)"
tenant_out="$state/tenant.json-line"
tenant_pid=""
cleanup() {
  if [ -n "$tenant_pid" ]; then kill "$tenant_pid" 2>/dev/null || true; wait "$tenant_pid" 2>/dev/null || true; fi
  rm -rf "$state"
}
trap cleanup EXIT

# Port 0: the tenant picks a free port and prints {"url", "caFile", "token"} when it is ready.
node --import tsx scripts/local-tenant.ts --port 0 --state-dir "$state/tenant" >"$tenant_out" 2>"$state/tenant.log" &
tenant_pid=$!
for _ in $(seq 1 600); do
  [ -s "$tenant_out" ] && break
  kill -0 "$tenant_pid" 2>/dev/null || { cat "$state/tenant.log" >&2; die "the local tenant did not start"; }
  sleep 0.1
done
[ -s "$tenant_out" ] || die "the local tenant printed nothing within 60 s"
read -r url ca token < <(node -e '
  const t = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8").split("\n")[0]);
  console.log(t.url, t.caFile, t.token);' "$tenant_out")
domain="${url#https://}"
echo "provider-acceptance: running ${tests} against ${url}" >&2

log="$state/go-test.log"
set +e
# The token goes to the test process only, never to the output.
env -u AUTH0_CLIENT_ID -u AUTH0_CLIENT_SECRET -u AUTH0_HTTP_RECORDINGS \
  TF_ACC=1 AUTH0_DOMAIN="$domain" AUTH0_API_TOKEN="$token" SSL_CERT_FILE="$ca" \
  TF_ACC_TERRAFORM_PATH="$(command -v terraform)" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 \
  "$binary" -test.run "$tests" -test.v -test.count 1 -test.timeout 30m 2>&1 | tee "$log"
set -e

passed="$(grep -c -E '^\s*--- PASS: ' "$log" || true)"
failed="$(grep -c -E '^\s*--- FAIL: ' "$log" || true)"
if grep -q -E '^(panic:|FAIL\s*$)' "$log" && [ "$failed" = 0 ]; then failed=1; fi
[ $((passed + failed)) -gt 0 ] || failed=1
summary "$passed" "$failed"
[ "$failed" = 0 ]
