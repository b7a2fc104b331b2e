#!/usr/bin/env bash
# Refreshes provider-schema/auth0@<version>.json from the real provider, after a change of the
# auth0/auth0 pin in cdktf.json. The file is the `terraform providers schema -json` output in
# cdktf's schema-cache format, so `npm run get` regenerates bindings with no Terraform and no network.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
"$root/scripts/provider-mirror.sh"
version="$(node -p "require('./cdktf.json').terraformProviders.find(p => p.startsWith('auth0/auth0@')).split('@')[1]")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/main.tf.json" <<JSON
{ "terraform": { "required_providers": { "auth0": { "source": "auth0/auth0", "version": "$version" } } } }
JSON
export TF_CLI_CONFIG_FILE="$root/.local/terraformrc" CHECKPOINT_DISABLE=1
terraform -chdir="$work" init -input=false -no-color >/dev/null
terraform -chdir="$work" providers schema -json > "$work/schema.json"
rm -f provider-schema/auth0@*.json
node -e '
  const fs = require("fs");
  const [src, dest, version] = process.argv.slice(1);
  const schema = JSON.parse(fs.readFileSync(src, "utf8"));
  schema.provider_versions = { "registry.terraform.io/auth0/auth0": version };
  fs.writeFileSync(dest, JSON.stringify(schema, null, 1) + "\n");
' "$work/schema.json" "provider-schema/auth0@$version.json" "$version"
echo "refresh-provider-schema: wrote provider-schema/auth0@$version.json; run npm run get" >&2
