// After `npm run synth`: say where the Terraform went, one line per tenant stack.
const { existsSync, readdirSync } = require("node:fs");
const { join } = require("node:path");
const stacks = join("cdktf.out", "stacks");
if (!existsSync(stacks)) process.exit(0);
for (const name of readdirSync(stacks).sort()) {
  const file = join(stacks, name, "cdk.tf.json");
  if (existsSync(file)) console.log(`${name}: ${file}  (terraform -chdir=${join(stacks, name)} plan)`);
}
