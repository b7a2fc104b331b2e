/**
 * Checks on a tenant file's raw YAML data, before the schema reads it. They look at every key and
 * every string wherever it sits, so a field added to the schema later is covered without a new rule:
 *   - a credential pasted anywhere (a key named like one, a JWT or a PEM private key inside any string);
 *   - control and bidirectional-formatting characters (a NUL ends a C string in Terraform's and the
 *     provider's logs; a bidi override makes a name read differently in a review than it is);
 *   - keys an object inherits (`__proto__`, `constructor`, `prototype`): in a map such as
 *     `dependencies`, `secrets` or `flows` they are prototype pollution, never a name.
 */

export interface RawProblem {
  /** The field, e.g. `flows.post-login.actions[0].name`. */
  field: string;
  message: string;
}

const CREDENTIAL_KEY =
  /^(auth0_)?(client_?secret|client_?id|api_?token|management_?token|password|private_?key|credentials?|client_assertion\w*)$/i;
/** A JWT (three base64url parts, the first two JSON objects) or a PEM private key, anywhere in the text. */
const CREDENTIAL_TEXT = /(?<![\w-])eyJ[\w-]+\.[\w-]+\.[\w-]*|-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
/**
 * C0 and C1 controls, DEL, and Unicode's bidirectional formatting characters (LRM, RLM, ALM, the
 * embeddings and overrides U+202A–U+202E, the isolates U+2066–U+2069), plus the zero-width characters
 * and the BOM that make two different names look alike.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/u;
/** Keys that name Object.prototype's machinery rather than data. */
const INHERITED_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

const CREDENTIAL_MESSAGE =
  "looks like a credential; tenant files hold no credentials. The deploy reads AUTH0_CLIENT_ID/AUTH0_CLIENT_SECRET (or AUTH0_API_TOKEN) from the environment";

/** Every problem in the raw data, in document order. */
export function rawProblems(value: unknown, path: (string | number)[] = []): RawProblem[] {
  if (typeof value === "string") return stringProblems(value, path);
  if (Array.isArray(value)) return value.flatMap((item, index) => rawProblems(item, [...path, index]));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([key, item]) => {
      const here = [...path, key];
      if (CREDENTIAL_KEY.test(key)) return [{ field: fieldPath(here), message: CREDENTIAL_MESSAGE }];
      if (INHERITED_KEYS.has(key)) {
        return [{ field: fieldPath(here), message: `"${key}" is not allowed as a key: it names JavaScript's object machinery, not data` }];
      }
      const unsafe = unsafeCharacter(key);
      if (unsafe) return [{ field: fieldPath([...path, printable(key)]), message: `the key contains ${unsafe}; use printable characters` }];
      return rawProblems(item, here);
    });
  }
  return [];
}

function stringProblems(text: string, path: (string | number)[]): RawProblem[] {
  if (CREDENTIAL_TEXT.test(text)) return [{ field: fieldPath(path), message: CREDENTIAL_MESSAGE }];
  const unsafe = unsafeCharacter(text);
  if (unsafe) return [{ field: fieldPath(path), message: `contains ${unsafe}; names and values here must be printable characters` }];
  return [];
}

/** "the control character U+0000" (or a bidi/zero-width one), or undefined when the text is clean. */
export function unsafeCharacter(text: string): string | undefined {
  const match = UNSAFE_CHARACTER.exec(text);
  if (!match) return undefined;
  const code = match[0].codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  const kind =
    code <= 0x9f
      ? "the control character"
      : code >= 0x202a || code === 0x061c || code === 0x200e || code === 0x200f
        ? "the bidirectional formatting character"
        : "the invisible character";
  return `${kind} ${hex}`;
}

/** A key as a message can show it: unsafe characters as \u escapes. */
function printable(key: string): string {
  return key.replace(new RegExp(UNSAFE_CHARACTER.source, "gu"), (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}`);
}

export function fieldPath(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}
