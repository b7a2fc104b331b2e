/**
 * Action dependencies, installed the way Auth0's build does it: a declared name@version must exist on
 * the npm registry, or the build fails. The existence check is the local tenant's
 * (`dependencyExists`, src/local-tenant/dependency-exists.ts, re-exported here so one module answers
 * both questions); the install uses the machine's own npm too (its configured registry, proxy and
 * cache: `--prefer-offline` installs from the cache when it can).
 * Each name@version is installed once, with install scripts disabled, into
 * `<deps dir>/<name>@<version>/node_modules/<name>` (a scope's "/" becomes "+" in the directory name);
 * the sandbox may read that directory and nothing else.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { dependencyExists, RegistryUnavailableError, type DependencyLookup } from "../local-tenant/dependency-exists";

export interface DependencySpec {
  name: string;
  version: string;
}

/** Whether name@version is on the registry: one check for the whole project (npm view, cached per process). */
export { dependencyExists, RegistryUnavailableError, type DependencyLookup };

export interface NpmOptions {
  /** The npm executable. @default "npm" from PATH */
  npm?: string;
  /** Environment of npm (registry, proxy, cache settings). @default process.env */
  env?: NodeJS.ProcessEnv;
  /** @default 120000 */
  timeoutMs?: number;
}

/** The directory of an installed name@version (whether or not it is installed yet). */
export function dependencyDir(depsDir: string, name: string, version: string): string {
  return join(depsDir, `${name.replace("/", "+")}@${version}`);
}

/** True when name@version is installed in depsDir. */
export function isInstalled(depsDir: string, name: string, version: string): boolean {
  return existsSync(join(dependencyDir(depsDir, name, version), "node_modules", ...name.split("/"), "package.json"));
}

/**
 * Installs name@version into depsDir unless it is there already; returns its directory. Installs into
 * a temporary directory first and renames it, so a killed install never leaves a half directory
 * that later counts as installed.
 */
export async function installDependency(depsDir: string, name: string, version: string, options: NpmOptions = {}): Promise<string> {
  const target = dependencyDir(depsDir, name, version);
  if (isInstalled(depsDir, name, version)) return target;
  mkdirSync(depsDir, { recursive: true, mode: 0o700 });
  const temp = join(depsDir, `.install-${randomBytes(6).toString("hex")}`);
  mkdirSync(temp);
  try {
    // A package.json of its own: npm must not walk up and treat the tenant's parents as the project.
    writeFileSync(join(temp, "package.json"), '{"private":true}\n');
    const run = await npm(
      [
        "install",
        "--prefix",
        temp,
        "--ignore-scripts",
        "--no-audit",
        "--no-fund",
        "--no-package-lock",
        "--omit=dev",
        "--prefer-offline",
        "--save-exact",
        `${name}@${version}`,
      ],
      options,
    );
    if (run.code !== 0) {
      const code = npmErrorCode(run.stderr) ?? `exit code ${run.code}`;
      throw new DependencyInstallError(`npm ERR! ${code} while installing ${name}@${version}`);
    }
    if (isInstalled(depsDir, name, version)) return target; // another build installed it meanwhile
    rmSync(target, { recursive: true, force: true });
    renameSync(temp, target);
    return target;
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

export class DependencyInstallError extends Error {}

export interface DependencyStoreOptions extends NpmOptions {
  /** Answers whether name@version exists. @default dependencyExists (npm view) */
  lookup?: DependencyLookup;
}

/**
 * The dependencies of one tenant: what builds check and install, and what logins hand to the sandbox.
 * Concurrent builds of the same name@version share one install.
 */
export class DependencyStore {
  private readonly inFlight = new Map<string, Promise<string | undefined>>();

  constructor(
    readonly depsDir: string,
    private readonly options: DependencyStoreOptions = {},
  ) {}

  /**
   * The build step (the model's DependencyCheck): every dependency must exist and install. Answers
   * undefined on success, or the build's error message (the model reports `retrying`, then `failed`).
   */
  check(dependencies: readonly DependencySpec[]): Promise<string | undefined> {
    return this.attempt(dependencies);
  }

  /** Package name → installed directory, for the dependencies that are installed. */
  installedDirs(dependencies: readonly DependencySpec[]): Record<string, string> {
    const dirs: Record<string, string> = {};
    for (const { name, version } of dependencies) {
      if (isInstalled(this.depsDir, name, version)) dirs[name] = dependencyDir(this.depsDir, name, version);
    }
    return dirs;
  }

  private async attempt(dependencies: readonly DependencySpec[]): Promise<string | undefined> {
    for (const { name, version } of dependencies) {
      const key = `${name}@${version}`;
      let pending = this.inFlight.get(key);
      if (!pending) {
        pending = this.resolveOne(name, version).finally(() => this.inFlight.delete(key));
        this.inFlight.set(key, pending);
      }
      const error = await pending;
      if (error !== undefined) return error;
    }
    return undefined;
  }

  private async resolveOne(name: string, version: string): Promise<string | undefined> {
    if (isInstalled(this.depsDir, name, version)) return undefined;
    try {
      if (!(await (this.options.lookup ?? dependencyExists)(name, version))) return notFound(name, version);
    } catch (error) {
      // An unreachable registry fails this build too (Auth0 cannot install what it cannot download).
      if (error instanceof RegistryUnavailableError) return `npm error ${error.message}`;
      throw error;
    }
    try {
      await installDependency(this.depsDir, name, version, this.options);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }
}

function notFound(name: string, version: string): string {
  return `npm error notarget No matching version found for ${name}@${version}.`;
}

function npmErrorCode(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown } };
    if (typeof parsed?.error?.code === "string") return parsed.error.code;
  } catch {
    /* not JSON: fall through to the text form */
  }
  return /npm (?:ERR!|error) code (\S+)/.exec(text)?.[1];
}

function npm(args: string[], options: NpmOptions): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    execFile(
      options.npm ?? "npm",
      args,
      { env: options.env ?? process.env, timeout: options.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024, encoding: "utf8" },
      (error, stdout, stderr) => {
        const code = error
          ? typeof (error as NodeJS.ErrnoException).code === "number"
            ? Number((error as NodeJS.ErrnoException).code)
            : 1
          : 0;
        resolvePromise({ code, stdout, stderr: error && !stderr ? error.message : stderr });
      },
    );
  });
}
