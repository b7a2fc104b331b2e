#!/usr/bin/env bash
# Builds the real auth0/auth0 Terraform provider from its Go module into a local
# filesystem mirror, and writes a Terraform CLI config that installs it from there.
#
# Why: the Terraform registry is not always reachable (air-gapped CI, offline laptops);
# the Go module proxy is. The version comes from cdktf.json, so changing the pin there
# is the only edit needed. Idempotent: an existing binary of the right version is kept.
#
# Output (all under .local/, ignored by git):
#   .local/provider-mirror/registry.terraform.io/auth0/auth0/<v>/<os>_<arch>/terraform-provider-auth0_v<v>
#   .local/terraformrc   (use with TF_CLI_CONFIG_FILE)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

version="$(node -p "require('./cdktf.json').terraformProviders.find(p => p.startsWith('auth0/auth0@')).split('@')[1]")"
os="$(go env GOOS)"; arch="$(go env GOARCH)"
mirror="$root/.local/provider-mirror"
dir="$mirror/registry.terraform.io/auth0/auth0/$version/${os}_${arch}"
binary="$dir/terraform-provider-auth0_v$version"

if [ ! -x "$binary" ]; then
  command -v go >/dev/null || { echo "provider-mirror: Go is required to build auth0/auth0 $version (https://go.dev/dl/)" >&2; exit 1; }
  echo "provider-mirror: building auth0/auth0 v$version from its Go module (a cold build takes a few minutes)..." >&2
  # `go install module@version` also asks the proxy for the module's version list, which some
  # proxies refuse; downloading the exact version and building inside it needs only that version.
  moddir="$(go mod download -json "github.com/auth0/terraform-provider-auth0@v$version" | node -e '
    let s = ""; process.stdin.on("data", d => (s += d)).on("end", () => {
      const m = JSON.parse(s);
      if (m.Error) { console.error("provider-mirror: " + m.Error); process.exit(1); }
      console.log(m.Dir);
    });')"
  mkdir -p "$dir"
  # -v names each package as it compiles: shown as a running count so a cold build shows progress;
  # any other line (downloads, compiler errors) passes through unchanged.
  (cd "$moddir" && CGO_ENABLED=0 go build -v -trimpath -ldflags "-s -w -X github.com/auth0/terraform-provider-auth0/internal/config.version=$version" -o "$binary.tmp" . 2>&1) |
    awk '/ / { print; next } { if (++n % 50 == 0) printf "provider-mirror: %d packages compiled\n", n; fflush() }' >&2
  mv "$binary.tmp" "$binary"
fi

cat > "$root/.local/terraformrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/auth0/auth0"]
  }
  direct {
    exclude = ["registry.terraform.io/auth0/auth0"]
  }
}
RC
echo "provider-mirror: auth0/auth0 v$version ready; TF_CLI_CONFIG_FILE=$root/.local/terraformrc" >&2
