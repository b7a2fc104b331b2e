// @ts-check
/*
 * The program of a sandbox process. Two modes, chosen by the host on the command line:
 *   - fresh (the default): runs ONE Action execution and exits;
 *   - warm (`--warm`): loads the Action's module once, on the first request, and serves one
 *     execution after another with the same module scope, as Auth0's Node 22 runtime reuses an
 *     Action instance. The host (src/sandbox/warm-worker.ts) sends the next request only once the
 *     previous result has arrived, and never sends two Actions' code to one process.
 *
 * It is started by src/sandbox/sandbox.ts on Node 22 with the permission model on (`--permission`,
 * read access to this file and the Action's installed dependencies only, no write access, no child
 * processes, workers, native addons or WASI), an empty environment and `/` as working directory.
 * Everything crosses the boundary as data:
 *   stdin  ← one JSON request {code, exportName, event, dependencies, modules, apiMethods, cache, executedRules}
 *            (warm: one such request per line)
 *   stdout → console output of the Action, one line per console call (the host keeps it as logs);
 *            warm: console output goes to fd 3 as {type: "log", text} lines, so that it stays in
 *            order with the result it belongs to
 *   fd 3   → one JSON line {type: "result", calls, cache, error?, recycle?}: the api calls in order
 *   stderr → whatever Node itself prints (an out-of-memory report); the host reads it only to explain a crash
 * Plain JavaScript on purpose: the host must not need a compiler inside the sandbox, and nothing from
 * the host's module tree is readable here.
 */
"use strict";

const fs = require("node:fs");
const os = require("node:os");
const util = require("node:util");
const vm = require("node:vm");
const crypto = require("node:crypto");
const { builtinModules, createRequire } = require("node:module");

const RESULT_FD = 3;
const exit = process.exit.bind(process);
// Read before process.argv is replaced below (it must not show the host's paths to the Action).
const WARM = process.argv.slice(2).includes("--warm");

/** Writes all of `text` to a file descriptor, also when the pipe is momentarily full. */
function writeAll(fd, text) {
  let buffer = Buffer.from(text, "utf8");
  while (buffer.length > 0) {
    try {
      const written = fs.writeSync(fd, buffer);
      buffer = buffer.subarray(written);
    } catch (error) {
      if (/** @type {NodeJS.ErrnoException} */ (error).code !== "EAGAIN") throw error;
    }
  }
}

/**
 * The execution running now: its request, the api calls it made and its api.cache. In warm mode
 * a timer the Action left behind may still call an earlier execution's api: those calls land in
 * that execution's own (already answered) list, never in the current one.
 * @typedef {{request: any, calls: Array<{path: string, args: unknown[]}>, cache: Record<string, {value: string, expires_at?: number}>, finished: boolean}} Execution
 */
/** @type {Execution | undefined} */
let current;

/** Answers `execution`; `recycle` asks the host for a fresh process for the next execution. */
function finish(execution, error, recycle = false) {
  if (!execution || execution.finished) return;
  execution.finished = true;
  if (current === execution) current = undefined;
  /** @type {Record<string, unknown>} */
  const message = { type: "result", calls: execution.calls, cache: execution.cache };
  if (error !== undefined) message.error = describe(error);
  if (recycle) message.recycle = true;
  writeAll(RESULT_FD, `${JSON.stringify(message)}\n`);
  // Fresh mode: pending timers or sockets of the Action must not keep the process alive (the host
  // also kills it once the result has arrived, in case the Action replaced process.exit).
  if (!WARM) exit(0);
}

function describe(error) {
  if (typeof error === "object" && error !== null && "message" in error) return String(error.message);
  return String(error);
}

// --- What the Action code must not reach, beyond what --permission already blocks ---------------
// The permission model of Node 22 does not cover signals: without this, code could kill the tenant
// (its parent) or any process of the same user. Deleting the methods removes the only JS entry points.
const denied = (what) => () => {
  const error = new Error(`Access to this API has been restricted: ${what}`);
  /** @type {any} */ (error).code = "ERR_ACCESS_DENIED";
  throw error;
};
for (const name of ["kill", "_kill", "_debugProcess", "_debugEnd", "setuid", "setgid", "seteuid", "setegid", "setgroups", "initgroups"]) {
  if (name in process) Object.defineProperty(process, name, { value: denied(`process.${name}`), writable: false, configurable: false });
}
os.setPriority = denied("os.setPriority");
// A diagnostic report carries the real command line (the node binary's and the dependencies' paths).
Object.defineProperty(process, "report", {
  value: Object.freeze({ getReport: denied("process.report"), writeReport: denied("process.report") }),
  configurable: false,
});
// Nothing about the host: no paths in argv or execArgv (they name the dependency directories).
process.argv = ["node", "/action.js"];
process.execArgv = [];
process.execPath = "node";

// --- console: one line per call, formatted as Node formats it -----------------------------------
const line = WARM
  ? (...args) => writeAll(RESULT_FD, `${JSON.stringify({ type: "log", text: util.format(...args) })}\n`)
  : (...args) => writeAll(1, `${util.format(...args)}\n`);
for (const method of ["log", "info", "warn", "error", "debug", "trace"]) console[method] = line;

// --- require: Node's built-ins and the Action's declared dependencies, nothing else ------------
function packageName(id) {
  const parts = id.split("/");
  return id.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}
/**
 * The Action's require. `dependencyDirs` maps a declared package to its installed directory;
 * `moduleCode` maps an Action Module's name to its pinned version's code. Modules arrive as code,
 * never as files: they load like the Action, inside this process and under the same permissions,
 * once per loaded Action.
 */
function requireFor(dependencyDirs, moduleCode = {}) {
  const loadedModules = new Map();
  function moduleRequire(name) {
    if (!Object.prototype.hasOwnProperty.call(moduleCode, name)) {
      const error = new Error(`Cannot find module 'actions:${name}': the Action is not pinned to an Action Module named "${name}"`);
      /** @type {any} */ (error).code = "MODULE_NOT_FOUND";
      throw error;
    }
    if (loadedModules.has(name)) return loadedModules.get(name).exports;
    const module = { exports: {} };
    loadedModules.set(name, module);
    const filename = `/modules/${name}.js`;
    const load = vm.compileFunction(moduleCode[name], ["exports", "require", "module", "__filename", "__dirname"], { filename });
    load.call(module.exports, module.exports, actionRequire, module, filename, "/modules");
    return module.exports;
  }
  function actionRequire(id) {
    if (typeof id !== "string") throw new TypeError('The "id" argument must be of type string');
    if (id.startsWith("actions:")) return moduleRequire(id.slice("actions:".length));
    const bare = id.startsWith("node:") ? id.slice(5) : id;
    if (builtinModules.includes(bare)) return require(`node:${bare}`);
    const name = packageName(id);
    if (Object.prototype.hasOwnProperty.call(dependencyDirs, name)) return createRequire(`${dependencyDirs[name]}/package.json`)(id);
    const error = new Error(`Cannot find module '${id}': declare it as a dependency of the Action`);
    /** @type {any} */ (error).code = "MODULE_NOT_FOUND";
    throw error;
  }
  return actionRequire;
}

// --- api: every method records {path, args}; a few return values (the rest return api) ---------
/** Turns an argument into JSON data; what JSON cannot hold becomes a marker the host reads as undefined. */
function toData(value) {
  if (value === undefined) return { $sandbox: "undefined" };
  if (typeof value === "function" || typeof value === "symbol" || typeof value === "bigint")
    return { $sandbox: "unserializable", type: typeof value };
  try {
    return JSON.parse(
      JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? { $sandbox: "unserializable", type: "bigint" } : v)) ?? "null",
    );
  } catch {
    return { $sandbox: "unserializable", type: "object" };
  }
}

const base64url = (buffer) => Buffer.from(buffer).toString("base64url");
const hs256 = (secret, data) => crypto.createHmac("sha256", String(secret)).update(data).digest("base64url");
const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * The methods that answer with a value, keyed by path. Auth0's documented return shapes.
 * @type {Record<string, (args: any[], execution: Execution) => unknown>}
 */
const returning = {
  "cache.get": ([key], { cache }) => {
    const record = cache[String(key)];
    if (!record) return undefined;
    if (record.expires_at !== undefined && record.expires_at <= Date.now()) {
      delete cache[String(key)];
      return undefined;
    }
    return { ...record };
  },
  "cache.set": ([key, value, options], { cache }) => {
    /** @type {{value: string, expires_at?: number}} */
    const record = { value: String(value) };
    if (options && typeof options.ttl === "number") record.expires_at = Date.now() + options.ttl;
    else if (options && typeof options.expires_at === "number") record.expires_at = options.expires_at;
    cache[String(key)] = record;
    return { type: "success", record: { ...record } };
  },
  "cache.delete": ([key], { cache }) => {
    delete cache[String(key)];
    return { type: "success" };
  },
  "redirect.encodeToken": ([options], { request }) => {
    const { secret, payload = {}, expiresInSeconds = 900 } = options ?? {};
    const iat = nowSeconds();
    const claims = {
      ...payload,
      iat,
      exp: iat + expiresInSeconds,
      iss: request.event?.request?.hostname,
      sub: request.event?.user?.user_id,
    };
    const unsigned = `${base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }))}.${base64url(JSON.stringify(claims))}`;
    return `${unsigned}.${hs256(secret, unsigned)}`;
  },
  "redirect.validateToken": ([options], { request }) => {
    const { secret, tokenParameterName = "session_token" } = options ?? {};
    const req = request.event?.request ?? {};
    const token = req.query?.[tokenParameterName] ?? req.body?.[tokenParameterName];
    if (typeof token !== "string") throw new Error(`There is no ${tokenParameterName} in the request`);
    const [header, payload, signature] = token.split(".");
    const expected = Buffer.from(hs256(secret, `${header}.${payload}`));
    const actual = Buffer.from(signature ?? "");
    if (expected.length !== actual.length || !crypto.timingSafeEqual(expected, actual)) throw new Error("The token signature is invalid");
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    if (typeof claims.exp === "number" && claims.exp <= nowSeconds()) throw new Error("The token has expired");
    return claims;
  },
  "rules.wasExecuted": ([ruleId], { request }) => (request.executedRules ?? []).includes(ruleId),
};

/** A recording api for one execution: its calls go to that execution's list. */
function apiFor(execution) {
  /** @type {Record<string, any>} */
  const api = {};
  for (const path of execution.request.apiMethods ?? []) {
    const parts = path.split(".");
    let node = api;
    for (const part of parts.slice(0, -1)) node = node[part] ??= {};
    node[parts[parts.length - 1]] = (...args) => {
      execution.calls.push({ path, args: args.map(toData) });
      const answer = returning[path];
      return answer ? answer(args, execution) : api;
    };
  }
  return api;
}

// --- An Action's own failure fails this execution only --------------------------------------------
// Something the Action left running failed: the execution running now fails, and in warm mode the
// process is not reused (its state is whatever the failure left). Between two warm executions
// nothing can be answered: the process ends, and the host starts a fresh one for the next.
function failed(error) {
  if (WARM && !current) exit(1);
  finish(current, error, true);
}
process.on("unhandledRejection", (reason) => failed(new Error(`Unhandled promise rejection: ${describe(reason)}`)));
process.on("uncaughtException", (error) => failed(error));

/** @type {{handler: Function} | undefined} The loaded module (warm: once per process). */
let loaded;

/** Runs the Action's module (Node's own CommonJS wrapper: a syntax error names the Action's line). */
function load(request) {
  const module = { exports: {} };
  const compiled = vm.compileFunction(request.code, ["exports", "require", "module", "__filename", "__dirname"], { filename: "action.js" });
  compiled.call(module.exports, module.exports, requireFor(request.dependencies ?? {}, request.modules ?? {}), module, "/action.js", "/");
  const handler = module.exports[request.exportName];
  if (typeof handler !== "function") throw new Error(`the code does not export ${request.exportName}`);
  return { handler };
}

async function run(execution) {
  const event = execution.request.event ?? {};
  event.secrets = execution.request.secrets ?? {};
  try {
    loaded ??= load(execution.request);
  } catch (error) {
    // A module that does not load is loaded again for the next execution, in a fresh process.
    execution.loadFailed = true;
    throw error;
  }
  await loaded.handler(event, apiFor(execution));
}

/** Starts one execution. The result waits one turn of the event loop: a promise the handler left
 *  rejected is reported (unhandledRejection) before it, and fails the execution as it does in Node. */
function start(request) {
  /** @type {Execution & {loadFailed?: boolean}} */
  const execution = { request, calls: [], cache: request.cache ?? {}, finished: false };
  current = execution;
  run(execution).then(
    () => setImmediate(() => finish(execution, undefined)),
    (error) => setImmediate(() => finish(execution, error, execution.loadFailed === true)),
  );
}

// A handler whose promise never settles leaves Node's event loop empty, and Node would exit; on
// Auth0 it runs into the time limit. Stay alive until the host's timer ends the process.
setInterval(() => undefined, 1 << 30);

if (WARM) {
  let pending = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk) => {
    pending += chunk;
    let newline;
    while ((newline = pending.indexOf("\n")) >= 0) {
      const text = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      start(JSON.parse(text));
    }
  });
  // The host went away: nothing will ask for another execution.
  process.stdin.on("end", () => exit(0));
} else {
  start(JSON.parse(fs.readFileSync(0, "utf8")));
}
