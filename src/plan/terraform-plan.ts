/**
 * The Terraform steps every review needs: init (provider from the mirror), a saved plan with
 * -detailed-exitcode, and `terraform show -json` of it. Failures become one clear sentence (what
 * to do) followed by Terraform's own error, with secret values scrubbed out.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { runTerraform, terraformEnv, TerraformSetupError, type TerraformResult } from "../terraform/terraform-env";
import { redactSecrets } from "./credentials";
import { parsePlanJson, PlanJsonError, type PlanJson } from "./plan-json";

export class TerraformStepError extends Error {}

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
  if (result.code !== 0) throw new TerraformStepError(explainFailure("terraform init", result, env));
}

/** `terraform plan -out` with `args` (e.g. -refresh-only), then `terraform show -json` of the saved plan. */
export async function savedPlan(dir: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<SavedPlan> {
  const planFile = join(dir, ".review.tfplan");
  try {
    const plan = await terraformStep(dir, ["plan", "-input=false", "-no-color", "-detailed-exitcode", "-lock-timeout=60s", `-out=${planFile}`, ...args], env);
    if (plan.code !== 0 && plan.code !== 2) throw new TerraformStepError(explainFailure("terraform plan", plan, env));
    const show = await terraformStep(dir, ["show", "-json", "-no-color", planFile], env);
    if (show.code !== 0) throw new TerraformStepError(explainFailure("terraform show", show, env));
    try {
      return { exitCode: plan.code, plan: parsePlanJson(show.stdout) };
    } catch (error) {
      if (error instanceof PlanJsonError) throw new TerraformStepError(error.message);
      throw error;
    }
  } finally {
    // The plan file holds the configuration and prior state; the review is what we keep.
    rmSync(planFile, { force: true });
  }
}

/** One terraform run; a Terraform that cannot start at all is a step failure with its message, like any other. */
export async function terraformStep(dir: string, args: string[], env: NodeJS.ProcessEnv, onLine?: (line: string) => void): Promise<TerraformResult> {
  try {
    return await runTerraform(dir, args, { env, ...(onLine ? { onLine } : {}) });
  } catch (error) {
    if (error instanceof TerraformSetupError) throw new TerraformStepError(error.message);
    throw error;
  }
}

const HINTS: Array<[RegExp, (match: RegExpMatchArray) => string]> = [
  [
    /Missing environment variables|configure either AUTH0_API_TOKEN/,
    () => "no Auth0 credentials: set AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET (or AUTH0_API_TOKEN) in the environment",
  ],
  [
    /registry\.terraform\.io\/auth0\/auth0[\s\S]*(could not|Failed to|no available|not available|Failed to query)|(Failed to query available provider packages|Failed to install provider|Incompatible provider version)/,
    () => 'the auth0 provider is missing from the local provider mirror: run "npm run provider:mirror" (builds it with Go), then retry',
  ],
  [/input variable "([A-Za-z0-9_]+)" is not set|No value for required variable[\s\S]*?variable "([A-Za-z0-9_]+)"/, (m) => `an Action secret has no value: set TF_VAR_${m[1] ?? m[2]} in the environment`],
  [/Error acquiring the state lock/, () => "the tenant's state is locked by another plan or apply; wait for it to finish"],
  [
    /No valid credential sources|NoCredentialProviders|failed to refresh cached credentials|InvalidAccessKeyId|ExpiredToken|AccessDenied|S3 bucket .* does not exist/,
    () => "cannot read the tenant's S3 state: provide AWS credentials with access to the state bucket (or plan against local state with --local-state <dir>)",
  ],
  [
    /dial tcp [^:]+:\d+: connect: connection refused|no such host|i\/o timeout|x509: certificate/,
    () => "cannot reach the tenant's Management API (the plan refreshes what the state records): check the tenant file's domain, the network, or start the local tenant (npm run local-tenant)",
  ],
  [/(401|403)[^\n]*(Unauthorized|Forbidden)|access_denied|Unauthorized/, () => "Auth0 rejected the credentials: check AUTH0_CLIENT_ID / AUTH0_CLIENT_SECRET and the application's Management API grants"],
];

/** One sentence on what to do, then the tail of Terraform's error output, redacted. */
export function explainFailure(step: string, result: Pick<TerraformResult, "code" | "stdout" | "stderr">, env: NodeJS.ProcessEnv): string {
  const output = `${result.stderr}\n${result.stdout}`;
  const hint = HINTS.map(([pattern, say]) => {
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
