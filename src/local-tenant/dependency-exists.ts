/**
 * Does `name@version` exist on the npm registry? Auth0's Actions build installs each declared
 * dependency from npm; one that does not resolve fails the build (the provider's own TestAccAction
 * relies on `crypto@17.7.1` failing). The local tenant asks the registry the project's npm is
 * configured for, through npm itself (`npm view`), so its cache, proxy and registry settings apply.
 *
 * One function, so a fuller dependency installer can replace this check without touching callers.
 */
import { execFile } from "node:child_process";

export type DependencyLookup = (name: string, version: string) => Promise<boolean>;

/** npm could not answer (offline, registry down): not the same as "does not exist". */
export class RegistryUnavailableError extends Error {
  constructor(spec: string, detail: string) {
    super(`could not ask the npm registry about ${spec}: ${detail}`);
    this.name = "RegistryUnavailableError";
  }
}

const answers = new Map<string, Promise<boolean>>();

/** True when npm resolves the spec to at least one published version; false on npm's E404 / no match. */
export function dependencyExists(name: string, version: string): Promise<boolean> {
  const spec = `${name}@${version}`;
  let answer = answers.get(spec);
  if (!answer) {
    answer = viewVersions(spec);
    // A registry outage is not an answer: forget it so the next build asks again.
    answer.catch(() => answers.delete(spec));
    answers.set(spec, answer);
  }
  return answer;
}

function viewVersions(spec: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    // "--" so a name starting with "-" is never read as an option.
    execFile("npm", ["view", "--json", "--", spec, "version"], { timeout: 60_000, maxBuffer: 4 * 1024 * 1024 }, (error, stdout) => {
      const parsed = parseJson(stdout);
      const code = (parsed as { error?: { code?: string } } | undefined)?.error?.code;
      if (code === "E404" || code === "ETARGET") return resolve(false);
      if (error) return reject(new RegistryUnavailableError(spec, code ?? firstLine(error.message)));
      // A version or range that matches nothing prints nothing.
      if (parsed === undefined) return resolve(false);
      resolve(typeof parsed === "string" || (Array.isArray(parsed) && parsed.length > 0));
    });
  });
}

function parseJson(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    return undefined;
  }
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? text;
}

/**
 * The build's dependency check: the first declared dependency npm cannot resolve fails the build,
 * with npm's own wording. A registry that cannot be reached fails it too (Auth0's build cannot
 * install what it cannot download); saving the Action again retries.
 */
export function registryDependencyCheck(lookup: DependencyLookup = dependencyExists) {
  return async (dependencies: ReadonlyArray<{ name: string; version: string }>): Promise<string | undefined> => {
    for (const { name, version } of dependencies) {
      if (!(await lookup(name, version))) return `npm error notarget No matching version found for ${name}@${version}.`;
    }
    return undefined;
  };
}
