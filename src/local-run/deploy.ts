/**
 * Runs the real Terraform and provider against a local tenant: the child process gets the CA
 * bundle (SSL_CERT_FILE) and the tenant's client credentials in its own environment only; the
 * parent's environment is never changed and no credential is written to disk or printed.
 * A thin driver on the Terraform layer (src/terraform/).
 */
import { explainFailure, terraformStep } from "../terraform/commands";
import { TerraformError } from "../terraform/errors";
import { terraformEnv } from "../terraform/terraform-env";
import type { TerraformResult } from "../terraform/result";

export interface TenantConnection {
  caBundleFile: string;
  clientId: string;
  clientSecret: string;
}

/**
 * Environment for terraform against `tenant`. Any AUTH0_* the caller has (say, credentials of a
 * real tenant) is removed: the local deploy must never reach anything but the local tenant.
 */
export function localTerraformEnv(tenant: TenantConnection, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = terraformEnv();
  for (const key of Object.keys(env)) if (key.startsWith("AUTH0_") || key.startsWith("TF_VAR_")) delete env[key];
  return {
    ...env,
    SSL_CERT_FILE: tenant.caBundleFile,
    AUTH0_CLIENT_ID: tenant.clientId,
    AUTH0_CLIENT_SECRET: tenant.clientSecret,
    ...extra,
  };
}

export interface StackRunner {
  init(): Promise<void>;
  apply(): Promise<TerraformResult>;
  /** `plan -detailed-exitcode`: 0 no changes, 2 changes (never throws for 2). */
  plan(extraArgs?: string[]): Promise<TerraformResult>;
  destroy(): Promise<TerraformResult>;
  /** Runs any terraform command; resolves with the result whatever the exit code. `quiet` keeps its output out of the progress. */
  run(args: string[], options?: { quiet?: boolean }): Promise<TerraformResult>;
}

/** Terraform commands for one synthesized stack directory. `onLine` receives progress. */
export function stackRunner(dir: string, env: NodeJS.ProcessEnv, onLine?: (line: string) => void): StackRunner {
  const run = (args: string[], options: { quiet?: boolean } = {}) => terraformStep(dir, args, env, options.quiet ? undefined : onLine);
  const must = async (args: string[], ok: number[] = [0]) => {
    const result = await run(args);
    if (!ok.includes(result.code)) {
      throw new TerraformError(
        `${explainFailure(`terraform ${args[0]}`, result, env, dir)}\n${lastLines(result.stderr || result.stdout, 30)}`,
        args,
        result,
      );
    }
    return result;
  };
  return {
    init: async () => {
      await must(["init", "-input=false", "-no-color"]);
    },
    apply: () => must(["apply", "-auto-approve", "-input=false", "-no-color"]),
    plan: (extraArgs = []) => must(["plan", "-detailed-exitcode", "-input=false", "-no-color", ...extraArgs], [0, 2]),
    destroy: () => must(["destroy", "-auto-approve", "-input=false", "-no-color"]),
    run,
  };
}

function lastLines(text: string, n: number): string {
  return text.trim().split("\n").slice(-n).join("\n");
}
