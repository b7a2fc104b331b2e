/**
 * npm run plan -- <tenant...> | --all [--concurrency <n>] [--local-state <dir>] [--placeholder-secrets] [--refresh=false] [--base <ref>] [--outdir <dir>]
 *
 * Synthesizes every tenant stack into cdktf.out/, plans the named tenants with the real provider
 * and prints each review (Markdown) on stdout; progress and errors go to stderr. Reviews are also
 * written to cdktf.out/review/<tenant>.md. Tenants plan --concurrency at a time (default 4); each
 * one's end is a status line on stderr ("dev: 2 to add, 0 to change, 0 to destroy (3/20 done)").
 * Exit code: 0 no changes, 2 changes, 1 error.
 *
 * npm run plan -- --comment <reviews dir> --tenants a,b,c   (CI)
 * prints the pull-request comment combining <reviews dir>/<tenant>.md for the listed tenants.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { composePullRequestComment } from "../src/plan/pr-comment";
import { parseConcurrency } from "../src/tenant-selection-args";
import { redactStandardStreams } from "../src/terraform/redaction";
import { errorReport } from "../src/errors";

const USAGE =
  "usage: npm run plan -- <tenant...> | --all [--concurrency <n, default 4>] [--local-state <dir>] [--placeholder-secrets] [--refresh=false] [--base <git ref>] [--outdir <dir>] [--tenants-dir <dir>]\n" +
  "       npm run plan -- --comment <reviews dir> --tenants <a,b,...>";

async function main(): Promise<number> {
  // Every line this command prints passes the redactor of its environment (secret values, by value).
  redactStandardStreams();
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        all: { type: "boolean", default: false },
        concurrency: { type: "string" },
        "local-state": { type: "string" },
        "placeholder-secrets": { type: "boolean", default: false },
        refresh: { type: "string", default: "true" },
        base: { type: "string" },
        outdir: { type: "string" },
        "tenants-dir": { type: "string" },
        comment: { type: "string" },
        tenants: { type: "string" },
        help: { type: "boolean", default: false },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 1;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.error(USAGE);
    return 0;
  }
  if (values.comment !== undefined) {
    const tenants = (values.tenants ?? "").split(",").filter((t) => t !== "");
    const reviews = tenants.map((tenant) => {
      const file = join(values.comment as string, `${tenant}.md`);
      return { tenant, markdown: existsSync(file) ? readFileSync(file, "utf8") : undefined };
    });
    const runUrl = process.env.GITHUB_RUN_ID
      ? `${process.env.GITHUB_SERVER_URL}/${process.env.GITHUB_REPOSITORY}/actions/runs/${process.env.GITHUB_RUN_ID}`
      : undefined;
    process.stdout.write(composePullRequestComment(reviews, { commit: process.env.PLAN_COMMIT, runUrl }));
    return 0;
  }
  if (values.all === positionals.length > 0 || !["true", "false"].includes(values.refresh)) {
    console.error(USAGE);
    return 1;
  }
  const concurrency = parseConcurrency(values.concurrency);
  if ("error" in concurrency) {
    console.error(`${concurrency.error}\n${USAGE}`);
    return 1;
  }
  // Loaded only to plan: composing a comment needs no synthesis (nor the generated provider bindings).
  const { planTenants } = await import("../src/plan/run-plan");
  const outcome = await planTenants({
    selection: values.all ? "all" : positionals,
    ...concurrency,
    localStateDir: values["local-state"],
    placeholderSecrets: values["placeholder-secrets"],
    refresh: values.refresh !== "false",
    base: values.base,
    outdir: values.outdir,
    tenantsDir: values["tenants-dir"],
    log: (line) => console.error(`plan: ${line}`),
  });
  if (outcome.error) console.error(`plan: ${outcome.error}`);
  for (const t of outcome.tenants) {
    if (t.error) {
      if (!outcome.error) console.error(`plan: ${t.tenant}: ${t.error}`);
    } else {
      process.stdout.write(`${t.markdown}\n`);
    }
  }
  const summary = outcome.tenants.map((t) => `${t.tenant}: ${["no changes", "error", "changes"][t.exitCode]}`).join(", ");
  if (summary) console.error(`plan: ${summary} (reviews in ${join(values.outdir ?? "cdktf.out", "review")}/)`);
  return outcome.exitCode;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`plan: ${errorReport(error, "unexpected failure: ")}`);
    process.exit(1);
  },
);
