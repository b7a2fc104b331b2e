/**
 * How this repository runs the real Terraform: the environment every terraform call gets
 * (the provider mirror, no telemetry, no prompts), and a runner that streams progress.
 * Credentials are passed through from the caller's environment, never written anywhere.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../bundle/bundle-action";

export const MIRROR_CLI_CONFIG = join(REPO_ROOT, ".local", "terraformrc");

export class TerraformSetupError extends Error {}

/**
 * Environment for terraform: `base` (the caller's credentials, TF_VAR_*; this process's by default),
 * plus the provider mirror config and automation flags, plus `extra`.
 */
export function terraformEnv(extra: NodeJS.ProcessEnv = {}, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (!existsSync(MIRROR_CLI_CONFIG)) {
    throw new TerraformSetupError(`provider mirror missing: ${MIRROR_CLI_CONFIG} not found; run "npm run provider:mirror" first`);
  }
  return {
    ...base,
    TF_CLI_CONFIG_FILE: MIRROR_CLI_CONFIG,
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
    ...extra,
  };
}

export interface TerraformResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Called with each line of output as it arrives (progress for long applies). */
  onLine?: (line: string) => void;
}

/** Runs `terraform -chdir=<dir> <args>`; resolves with the exit code, never rejects on non-zero. */
export function runTerraform(dir: string, args: string[], options: RunOptions = {}): Promise<TerraformResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn("terraform", [`-chdir=${dir}`, ...args], { env: options.env ?? terraformEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const lines = (chunk: string) => chunk.split("\n").filter((l) => l.trim() !== "").forEach((l) => options.onLine?.(l));
    child.stdout.setEncoding("utf8").on("data", (d: string) => ((stdout += d), lines(d)));
    child.stderr.setEncoding("utf8").on("data", (d: string) => ((stderr += d), lines(d)));
    child.on("error", (e) => reject(new TerraformSetupError(`cannot run terraform (${e.message}); install Terraform >= 1.11 and put it on PATH`)));
    child.on("close", (code) => resolvePromise({ code: code ?? 1, stdout, stderr }));
  });
}
