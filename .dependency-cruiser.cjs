// Layering rules for src/ (run by `npm run lint`, through `npm run lint:layers`).
//
// The layers, bottom up: definitions (src/terraform, src/constructs, src/stacks, src/config) know
// nothing of the commands built on them; the flows (src/plan, src/verify, src/deploy, src/drift,
// src/promote, src/adopt) use the definitions; the local tenant is a stand-in for Auth0 and uses
// neither flow. A type or constant two layers share lives in the lower one.
const FLOWS = "^src/(plan|verify|deploy|drift|promote|adopt)/";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      comment:
        "A cycle has no bottom layer: neither side can be read, tested or changed alone, and module " +
        "load order decides which side sees `undefined`. Type-only imports count too: they are the " +
        "first step of a runtime cycle and already tie the two modules' changes together.",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "definitions-do-not-import-flows",
      comment:
        "Terraform plumbing, constructs, stacks and the tenant schema are what the flows are built " +
        "on: an import the other way makes a synth or a schema check load (and depend on) plan, " +
        "deploy or verify code. Move the shared type or constant down instead.",
      severity: "error",
      from: { path: "^src/(terraform|constructs|stacks|config)/" },
      to: { path: FLOWS },
    },
    {
      name: "config-does-not-import-constructs",
      comment:
        "Constructs are built from validated tenant settings, so the tenant-file schema and its " +
        "checks sit below them; importing a construct from src/config closes a config <-> constructs " +
        "loop (loading a tenant file would load cdktf and the provider bindings).",
      severity: "error",
      from: { path: "^src/config/" },
      to: { path: "^src/(constructs|stacks)/" },
    },
    {
      name: "local-tenant-does-not-import-flows",
      comment:
        "The local tenant stands in for Auth0: it must behave the same whatever the plan, deploy or " +
        "verify code does, so it cannot share their code paths.",
      severity: "error",
      from: { path: "^src/local-tenant/" },
      to: { path: FLOWS },
    },
    {
      name: "not-to-unresolvable",
      comment: "An import that resolves to nothing fails at run time; tsc catches most, this catches the rest.",
      severity: "error",
      from: { path: "^src/" },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(\\.gen|node_modules|cdktf\\.out)/" },
    // Type-only imports are dependencies too (see no-cycles).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    // `cdktf` etc. are resolved as node does; only their names matter to these rules.
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"] },
  },
};
