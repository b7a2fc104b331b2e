/**
 * How this repository runs the real Terraform: the environment every terraform call gets
 * (the provider mirror, no telemetry, no prompts), and a runner that streams progress.
 * Credentials are passed through from the caller's environment, never written anywhere.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../paths";
import { TerraformError } from "./errors";
import type { TerraformResult } from "./result";

export const MIRROR_CLI_CONFIG = join(REPO_ROOT, ".local", "terraformrc");
const MIRROR_SCRIPT = join(REPO_ROOT, "scripts", "provider-mirror.sh");

/**
 * Builds the provider mirror when it is missing (a fresh clone): every command that needs the
 * provider works without a separate setup step. The script prints its own progress lines to stderr.
 */
export function ensureProviderMirror(): void {
  if (existsSync(MIRROR_CLI_CONFIG)) return;
  const built = spawnSync("bash", [MIRROR_SCRIPT], { stdio: ["ignore", process.stderr, process.stderr] });
  if (built.error || built.status !== 0 || !existsSync(MIRROR_CLI_CONFIG)) {
    throw new TerraformError(
      `provider mirror missing and building it failed (${built.error?.message ?? `exit ${built.status}`}); run "npm run provider:mirror" and read its output`,
    );
  }
}

/**
 * Environment for terraform: `base` (the caller's credentials, TF_VAR_*; this process's by default),
 * plus the provider mirror config and automation flags, plus `extra`.
 */
export function terraformEnv(extra: NodeJS.ProcessEnv = {}, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  ensureProviderMirror();
  return {
    ...withoutDebugLogging(base),
    TF_CLI_CONFIG_FILE: MIRROR_CLI_CONFIG,
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
    ...extra,
  };
}

/**
 * Terraform's debug logging (TF_LOG, TF_LOG_PROVIDER, ...) makes the auth0 provider print request
 * bodies, Action secret values included, and this runner relays Terraform's output to CI logs. So
 * the caller's TF_LOG* variables never reach Terraform through this project's commands; to debug,
 * run plain Terraform on your own machine (`terraform -chdir=cdktf.out/stacks/<tenant> plan`).
 */
export const DEBUG_LOG_VARIABLES = /^TF_LOG(_.*)?$/;

function withoutDebugLogging(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !DEBUG_LOG_VARIABLES.test(name)));
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Called with each line of output as it arrives (progress for long applies). */
  onLine?: (line: string) => void;
  /** Called with the process id once Terraform has started (fault tests kill it). */
  onSpawn?: (pid: number) => void;
}

/** Runs `terraform -chdir=<dir> <args>`; resolves with the exit code, never rejects on non-zero. */
export function runTerraform(dir: string, args: readonly string[], options: RunOptions = {}): Promise<TerraformResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn("terraform", [`-chdir=${dir}`, ...args], { env: options.env ?? terraformEnv(), stdio: ["ignore", "pipe", "pipe"] });
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    let stdout = "";
    let stderr = "";
    const lines = (chunk: string) =>
      chunk
        .split("\n")
        .filter((l) => l.trim() !== "")
        .forEach((l) => options.onLine?.(l));
    child.stdout.setEncoding("utf8").on("data", (d: string) => ((stdout += d), lines(d)));
    child.stderr.setEncoding("utf8").on("data", (d: string) => ((stderr += d), lines(d)));
    child.on("error", (e) =>
      reject(new TerraformError(`cannot run terraform (${e.message}); install Terraform >= 1.11 and put it on PATH`, args)),
    );
    child.on("close", (code, signal) => resolvePromise({ code: code ?? 1, stdout, stderr, ...(signal ? { signal } : {}) }));
  });
}
