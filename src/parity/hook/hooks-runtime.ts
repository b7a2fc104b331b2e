/**
 * Runs a Hook the way the Hooks (webtask) runtime did, from Auth0's Hooks documentation:
 *   - the file is a CommonJS module evaluated in a fresh `vm` context; `module.exports` is the Hook;
 *   - it is called with its type's arguments, then `context` (with `context.webtask.secrets`), then
 *     the callback `cb(error, response)`: a truthy `error` fails the Hook, otherwise `response` is
 *     its result; later calls are ignored; a thrown error (or an async Hook's rejection) counts as
 *     `cb(error)`; no call within the time limit fails the Hook;
 *   - `require('pkg@1.2.3')` loads `pkg` (HTTP doubles first, then the project's node_modules);
 *   - the Hook type's error classes are globals (InvalidScopeError, InvalidRequestError,
 *     ServerError for credentials exchange; PreUserRegistrationError(internal, userMessage)).
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import vm from "node:vm";
import { callCatching, jsonCopy, safeJson } from "../sandbox-calls";
import { REPO_ROOT } from "../../paths";
import { HOOK_TIME_LIMIT_MS, type HookKind } from "../../migrate/hook/hook-types";
import { isBuiltinModule, parsePackageSpec } from "../../migrate/packages";

export interface HookError {
  /** The error's class name as the runtime saw it ("InvalidScopeError", "Error", or "string" for a bare value). */
  name: string;
  message: string;
  /** PreUserRegistrationError's second argument. */
  userMessage?: string;
}

export interface HookRun {
  /** Set when the Hook failed: cb(error), a throw, or a rejection. */
  error?: HookError;
  /** The response it passed to cb (JSON copy; undefined when none). */
  response?: unknown;
  logs: string[];
  /** Set when the Hook could not be loaded, or never called back in time. */
  failure?: string;
}

export interface HookRunOptions {
  timeoutMs?: number;
  /** Objects returned by require(name) instead of the installed package (HTTP doubles). */
  modules?: Readonly<Record<string, unknown>>;
}

const projectRequire = createRequire(join(REPO_ROOT, "package.json"));

export async function runHook(
  source: string,
  hookFile: string,
  kind: HookKind,
  args: unknown[],
  secrets: Record<string, string>,
  context: Record<string, unknown>,
  options: HookRunOptions = {},
): Promise<HookRun> {
  const run: HookRun = { logs: [] };
  const print = (...values: unknown[]) => run.logs.push(values.map((v) => (typeof v === "string" ? v : safeJson(v))).join(" "));
  const hookRequire = (spec: string): unknown => {
    const { name } = parsePackageSpec(String(spec));
    if (options.modules && Object.prototype.hasOwnProperty.call(options.modules, name)) return options.modules[name];
    if (isBuiltinModule(name)) return projectRequire(name.startsWith("node:") ? name : `node:${name}`);
    return projectRequire(name);
  };
  const sandbox = vm.createContext({
    console: { log: print, info: print, warn: print, error: print, debug: print },
    setTimeout,
    clearTimeout,
    setImmediate,
    Buffer,
    URL,
    URLSearchParams,
    TextEncoder,
    TextDecoder,
    require: hookRequire,
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    // The Hook type's error classes, created inside the context (instanceof works in Hook code).
    const classes = Object.entries(kind.errors)
      .map(([name, meaning]) =>
        meaning.kind === "deny-signup"
          ? `this.${name} = class ${name} extends Error { constructor(message, userMessage) { super(message); this.name = "${name}"; this.userMessage = userMessage; } };`
          : `this.${name} = class ${name} extends Error { constructor(message) { super(message); this.name = "${name}"; } };`,
      )
      .join("\n");
    vm.runInContext(classes, sandbox);
    const fromJson = (value: unknown): unknown =>
      value === undefined ? undefined : vm.runInContext(`JSON.parse(${JSON.stringify(JSON.stringify(value))})`, sandbox);
    const module = { exports: {} as unknown };
    sandbox.__module = module;
    vm.runInContext(`(function (module, exports) {\n${source}\n})(__module, __module.exports)`, sandbox, { filename: hookFile });
    delete sandbox.__module;
    const hook = module.exports;
    if (typeof hook !== "function") throw new Error("module.exports is not a function");
    const hookContext = fromJson({ ...context, webtask: { secrets } });

    const timeoutMs = options.timeoutMs ?? HOOK_TIME_LIMIT_MS;
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`the Hook did not call its callback within ${timeoutMs / 1000} seconds`)), timeoutMs);
      let called = false;
      const callback = (error: unknown, response?: unknown) => {
        if (called) return;
        called = true;
        if (error) run.error = describeError(error);
        else run.response = jsonCopy(response);
        resolve();
      };
      callCatching(
        () => (hook as (...a: unknown[]) => unknown)(...args.map(fromJson), hookContext, callback),
        (error, how) => callback(error ?? new Error(how)),
      );
    });
  } catch (error) {
    run.failure = error instanceof Error ? error.message : String(error);
  } finally {
    if (timer) clearTimeout(timer);
  }
  return run;
}

/** String() of a value from another realm, whatever it is. */
const text = (value: unknown): string => String(value);

/** Errors come from another realm: duck-typed. */
export function describeError(error: unknown): HookError {
  if (typeof error === "object" && error !== null && "message" in error) {
    const e = error as { name?: unknown; message: unknown; userMessage?: unknown };
    return {
      name: text(e.name ?? "Error"),
      message: String(e.message),
      ...(e.userMessage !== undefined ? { userMessage: text(e.userMessage) } : {}),
    };
  }
  return { name: typeof error, message: String(error) };
}
