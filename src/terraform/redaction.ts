/**
 * Redaction by value: every secret value the run takes from the environment, in the forms a tool
 * prints it (as is, URL-encoded, JSON-escaped), is replaced by a marker in any text this project
 * relays: reviews, pull-request comments, verify/drift/deploy reports, progress logs, stdout and
 * stderr. Terraform, the provider, the pg backend and the Management API may each echo a value in
 * an error; a list of variable *names* to scrub misses the value under another name, so the
 * redactor is built from the values, once per environment.
 *
 * What counts as secret (by the variable that carries it):
 *   - every TF_VAR_*: Action secret values (`secrets: {NAME: {env: X}}` reads TF_VAR_X) and any other input;
 *   - credentials: AUTH0_CLIENT_SECRET, AUTH0_API_TOKEN, AUTH0_CLIENT_ASSERTION_PRIVATE_KEY (and FROM_AUTH0_*),
 *     AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, TF_TOKEN_* (Terraform Cloud), and any name saying
 *     SECRET, TOKEN, PASSWORD, PASSPHRASE, PRIVATE_KEY, CREDENTIAL or API_KEY;
 *   - PG_CONN_STR: the whole connection string and its password on its own (URL or key=value form).
 * Not secret: AUTH0_CLIENT_ID and AWS_ACCESS_KEY_ID are identifiers (a client id is in every
 * /authorize URL and every token's `azp`); showing them is what makes a "wrong credentials" error
 * actionable, and neither grants anything without its secret.
 * Values shorter than MIN_SECRET_LENGTH are skipped: redacting "x" or "true" would mangle every report.
 */

export const REDACTED = "(redacted)";
/** Values shorter than this are not redacted: they would mangle ordinary words ("x", "true"). */
export const MIN_SECRET_LENGTH = 6;

const SECRET_NAME = /(SECRET|TOKEN|PASSWORD|PASSPHRASE|PRIVATE_KEY|CREDENTIAL|API_KEY)/i;
const ALWAYS_SECRET = /^(TF_VAR_|TF_TOKEN_)/;
const CONNECTION_STRINGS = ["PG_CONN_STR"];

export interface Redactor {
  /** `text` with every secret value (and its encodings) replaced by REDACTED. */
  redact(text: string): string;
}

/** The secret values `env` carries, before encoding: what the rules above select. */
export function secretEnvValues(env: NodeJS.ProcessEnv): string[] {
  const values: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value === "") continue;
    if (ALWAYS_SECRET.test(name) || SECRET_NAME.test(name)) values.push(value);
    if (CONNECTION_STRINGS.includes(name)) values.push(value, ...connectionPasswords(value));
  }
  return values;
}

/** The password of a PostgreSQL connection string, URL (`postgres://u:p@h/db`) or key=value (`password=p`) form, as written and decoded. */
export function connectionPasswords(conn: string): string[] {
  const found: string[] = [];
  try {
    const url = new URL(conn);
    if (url.password) found.push(url.password, safeDecode(url.password));
  } catch {
    /* not a URL: key=value form */
  }
  for (const m of conn.matchAll(/(?:^|\s)password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/gi)) {
    const raw = m[1];
    found.push(raw.startsWith("'") ? raw.slice(1, -1).replace(/\\(.)/g, "$1") : raw);
  }
  return found;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The forms a value is printed in: as is, URL-encoded (also with `+` for spaces), JSON-escaped (once and twice), and each long line of a multi-line value. */
export function encodings(value: string): string[] {
  const json = JSON.stringify(value).slice(1, -1);
  const forms = [
    value,
    encodeURIComponent(value),
    encodeURIComponent(value).replace(/%20/g, "+"),
    json,
    JSON.stringify(json).slice(1, -1),
    ...value.split(/\r?\n/),
  ];
  return forms.filter((f) => f.length >= MIN_SECRET_LENGTH);
}

export function createRedactor(env: NodeJS.ProcessEnv): Redactor {
  // Longest first: a value containing another is replaced whole, not around the shorter one.
  const needles = [...new Set(secretEnvValues(env).flatMap(encodings))].sort((a, b) => b.length - a.length || a.localeCompare(b));
  return {
    redact(text: string): string {
      let out = text;
      for (const needle of needles) if (out.includes(needle)) out = out.split(needle).join(REDACTED);
      return out;
    },
  };
}

const built = new WeakMap<NodeJS.ProcessEnv, Redactor>();

/** The redactor of `env`, built on first use and kept for the environment object (one per run). */
export function redactorFor(env: NodeJS.ProcessEnv): Redactor {
  let redactor = built.get(env);
  if (!redactor) {
    redactor = createRedactor(env);
    built.set(env, redactor);
  }
  return redactor;
}

/** `text` with every secret value from `env` replaced by REDACTED. */
export function redactSecrets(text: string, env: NodeJS.ProcessEnv): string {
  return redactorFor(env).redact(text);
}

/** `log`, with every line redacted first: progress lines relay Terraform's and the Management API's words. */
export function redactedLog(log: ((line: string) => void) | undefined, env: NodeJS.ProcessEnv): ((line: string) => void) | undefined {
  if (!log) return undefined;
  const redactor = redactorFor(env);
  return (line) => log(redactor.redact(line));
}

/**
 * For the command-line entry points: whatever this process writes to stdout and stderr passes the
 * redactor of `env` (its own environment), the last line of defence for text no flow redacted.
 */
export function redactStandardStreams(env: NodeJS.ProcessEnv = process.env): void {
  const redactor = redactorFor(env);
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = (chunk: unknown, ...rest: unknown[]) =>
      write(
        typeof chunk === "string"
          ? redactor.redact(chunk)
          : chunk instanceof Uint8Array
            ? redactor.redact(Buffer.from(chunk).toString("utf8"))
            : chunk,
        ...rest,
      );
  }
}
