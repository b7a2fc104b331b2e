/**
 * The Terraform commands every flow runs (plan review, drift, verify, deploy, promote, the local
 * tenant): init (provider from the mirror), a saved plan with -detailed-exitcode and
 * `terraform show -json` of it, apply and the state. Failures become one TerraformError:
 * one clear sentence (what to do) followed by Terraform's own error, with secret values scrubbed out.
 */
import { rmSync } from "node:fs";
import { join, relative } from "node:path";
import { TerraformError } from "./errors";
import { runTerraform, terraformEnv, type RunOptions } from "./terraform-env";
import type { TerraformResult } from "./result";
import { redactSecrets } from "./redaction";
import { parsePlanJson, PlanJsonError, type PlanJson } from "./plan-json";

export interface SavedPlan {
  /** As `terraform plan -detailed-exitcode`: 0 no changes, 2 changes. */
  exitCode: 0 | 2;
  plan: PlanJson;
}

/** The environment Terraform runs with: `base` (credentials, TF_VAR_*) plus the provider mirror and automation flags. */
export function terraformProcessEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return terraformEnv({}, base);
}

export async function terraformInit(dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const result = await terraformStep(dir, ["init", "-input=false", "-no-color"], env);
  if (result.code !== 0) throw new TerraformError(explainFailure("terraform init", result, env));
}

/** `terraform plan -out` with `args` (e.g. -refresh-only), then `terraform show -json` of the saved plan. */
export async function savedPlan(dir: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<SavedPlan> {
  const planFile = join(dir, ".review.tfplan");
  try {
    const plan = await terraformStep(
      dir,
      ["plan", "-input=false", "-no-color", "-detailed-exitcode", "-lock-timeout=60s", `-out=${planFile}`, ...args],
      env,
    );
    if (plan.code !== 0 && plan.code !== 2) throw new TerraformError(explainFailure("terraform plan", plan, env));
    const show = await terraformStep(dir, ["show", "-json", "-no-color", planFile], env);
    if (show.code !== 0) throw new TerraformError(explainFailure("terraform show", show, env));
    try {
      return { exitCode: plan.code, plan: parsePlanJson(show.stdout) };
    } catch (error) {
      if (error instanceof PlanJsonError) throw new TerraformError(error.message);
      throw error;
    }
  } finally {
    // The plan file holds the configuration and prior state; the review is what we keep.
    rmSync(planFile, { force: true });
  }
}

/** One terraform run, whatever its exit code; a Terraform that cannot start at all throws TerraformError. */
export async function terraformStep(
  dir: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onLine?: (line: string) => void,
  options: Pick<RunOptions, "onSpawn"> = {},
): Promise<TerraformResult> {
  return runTerraform(dir, args, { env, ...(onLine ? { onLine } : {}), ...options });
}

export interface ApplyOptions {
  onLine?: (line: string) => void;
  onSpawn?: (pid: number) => void;
  /** How long to wait for another run's state lock; default 300s (a deploy waits, a plan does not wait as long). */
  lockTimeout?: string;
  /** The stack directory users know (not a temporary copy), for the force-unlock step in lock errors. */
  stackDir?: string;
}

/** `terraform apply -auto-approve` of the synthesized stack in `dir`. */
export async function terraformApply(dir: string, env: NodeJS.ProcessEnv, options: ApplyOptions = {}): Promise<void> {
  const args = ["apply", "-input=false", "-no-color", "-auto-approve", `-lock-timeout=${options.lockTimeout ?? "300s"}`];
  const result = await terraformStep(dir, args, env, options.onLine, { ...(options.onSpawn ? { onSpawn: options.onSpawn } : {}) });
  if (result.code !== 0) throw new TerraformError(explainFailure("terraform apply", result, env, options.stackDir ?? dir), args, result);
}

export interface StateResource {
  /** e.g. "auth0_action.add_metadata_claims" */
  address: string;
  type: string;
  values: Record<string, unknown>;
}

/** The managed resources the state records (`terraform show -json`), [] when there is no state yet. */
export async function terraformStateResources(dir: string, env: NodeJS.ProcessEnv): Promise<StateResource[]> {
  const result = await terraformStep(dir, ["show", "-json", "-no-color"], env);
  if (result.code !== 0) throw new TerraformError(explainFailure("terraform show", result, env), ["show"], result);
  let state: {
    values?: { root_module?: { resources?: Array<{ address?: string; type?: string; mode?: string; values?: Record<string, unknown> }> } };
  };
  try {
    state = JSON.parse(result.stdout || "{}") as typeof state;
  } catch {
    throw new TerraformError("terraform show -json did not print JSON", ["show"], result);
  }
  return (state.values?.root_module?.resources ?? [])
    .filter((r) => r.mode !== "data" && typeof r.address === "string" && typeof r.type === "string")
    .map((r) => ({ address: r.address as string, type: r.type as string, values: r.values ?? {} }));
}

/** The lock ID in Terraform's "Error acquiring the state lock" output, if any. */
export function lockId(output: string): string | undefined {
  return /Lock Info:[\s\S]*?ID:\s+([^\s]+)/.exec(output)?.[1];
}

const HINTS: Array<[RegExp, (match: RegExpMatchArray) => string]> = [
  [
    // A run killed while Terraform wrote a local state file leaves it cut short; Terraform kept the
    // previous state next to it.
    /Unsupported state file format: The state file could not be parsed as JSON/,
    () =>
      "the local state file is cut short (a run was killed while Terraform wrote it): restore the copy Terraform kept with `cp <state file>.backup <state file>` (the tenant file's backend.path, e.g. state/dev.tfstate), then run npm run deploy again: verify and repair bring the tenant back in line",
  ],
  [
    /Missing environment variables|configure either AUTH0_API_TOKEN/,
    () => "no Auth0 credentials: set AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET (or AUTH0_API_TOKEN) in the environment",
  ],
  [
    /registry\.terraform\.io\/auth0\/auth0[\s\S]*(could not|Failed to|no available|not available|Failed to query)|(Failed to query available provider packages|Failed to install provider|Incompatible provider version)/,
    () => 'the auth0 provider is missing from the local provider mirror: run "npm run provider:mirror" (builds it with Go), then retry',
  ],
  [
    /input variable "([A-Za-z0-9_]+)" is not set|No value for required variable[\s\S]*?variable "([A-Za-z0-9_]+)"/,
    (m) => `an Action secret has no value: set TF_VAR_${m[1] ?? m[2]} in the environment`,
  ],
  [
    /No valid credential sources|NoCredentialProviders|failed to refresh cached credentials|InvalidAccessKeyId|ExpiredToken|AccessDenied|S3 bucket .* does not exist/,
    () =>
      "cannot read the tenant's S3 state: provide AWS credentials with access to the state bucket (or plan against local state with --local-state <dir>)",
  ],
  [
    /dial tcp [^:]+:\d+: connect: connection refused|no such host|i\/o timeout|x509: certificate/,
    () =>
      "cannot reach the tenant's Management API (the plan refreshes what the state records): check the tenant file's domain, the network, or start the local tenant (npm run local-tenant)",
  ],
  [
    /(401|403)[^\n]*(Unauthorized|Forbidden)|access_denied|Unauthorized/,
    () => "Auth0 rejected the credentials: check AUTH0_CLIENT_ID / AUTH0_CLIENT_SECRET and the application's Management API grants",
  ],
];

/** One sentence on what to do, then the tail of Terraform's error output, redacted. */
export function explainFailure(
  step: string,
  result: Pick<TerraformResult, "code" | "stdout" | "stderr">,
  env: NodeJS.ProcessEnv,
  stackDir?: string,
): string {
  const output = `${result.stderr}\n${result.stdout}`;
  const hint =
    lockHint(output, stackDir) ??
    HINTS.map(([pattern, say]) => {
      const m = output.match(pattern);
      return m ? say(m) : undefined;
    }).find((h) => h !== undefined);
  const errorText = terraformErrorText(result.stderr || result.stdout);
  return redactSecrets(`${hint ?? `${step} failed (exit ${result.code})`}${errorText ? `\n${errorText}` : ""}`, env);
}

/** Terraform's "Error: ..." blocks, or the last lines of output when there are none. */
function terraformErrorText(text: string): string {
  const lines = text.split("\n").map((l) => l.replace(/^[│╷╵]\s?/, "").trimEnd());
  const start = lines.findIndex((l) => l.startsWith("Error:"));
  const picked = start >= 0 ? lines.slice(start) : lines.slice(-15);
  return picked
    .filter((l, i, all) => !(l === "" && all[i - 1] === ""))
    .join("\n")
    .trim()
    .split("\n")
    .slice(0, 40)
    .join("\n");
}

/**
 * A held state lock: who holds it, and the exact step that releases a lock whose holder is gone
 * (a killed run). Terraform's own contract: force-unlock only when no other run is active.
 */
function lockHint(output: string, stackDir?: string): string | undefined {
  if (!/Error acquiring the state lock/.test(output)) return undefined;
  const id = lockId(output);
  const who = /Who:\s+(.+)/.exec(output)?.[1]?.trim();
  const chdir = stackDir ? ` -chdir=${relative(process.cwd(), stackDir) || "."}` : "";
  return (
    `the tenant's state is locked by another plan or apply${who ? ` (${who})` : ""}; wait for it to finish. ` +
    (id
      ? `If that run was killed and no other run is active, release the lock with: terraform${chdir} force-unlock -force ${id}`
      : "If that run was killed and no other run is active, release the lock with terraform force-unlock <lock id>")
  );
}
