/**
 * The local tenant's user directory: one JSON file per user under fixtures/users/ (the file
 * name is the login name), shaped like an Auth0 user profile. A broken file is named with the
 * field and what is allowed, like a broken tenant file.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { z } from "zod";
import type { User } from "../../actions/types/post-login-v3";
import { REPO_ROOT } from "../paths";
import { UserFacingError } from "../errors";

export const DEFAULT_USERS_DIR = join(REPO_ROOT, "fixtures", "users");
/** The user `npm start` logs in: the profile of the forum thread the Rule came from. */
export const SEED_USER = "kazuyuki";

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const isoDate = z.string().regex(ISO_DATE, 'must be an ISO 8601 UTC timestamp such as "2026-01-01T00:00:00.000Z"');
const metadata = z.record(z.unknown(), { invalid_type_error: "must be a JSON object" });

const userSchema = z
  .object({
    user_id: z.string().regex(/^[a-z0-9-]+\|\S+$/i, 'must be "<provider>|<id>", e.g. "auth0|5f7c8ec7c33c6c004bbafe82"'),
    email: z.string().email().optional(),
    email_verified: z.boolean().default(false),
    name: z.string().optional(),
    nickname: z.string().optional(),
    picture: z.string().url().optional(),
    created_at: isoDate,
    updated_at: isoDate,
    app_metadata: metadata.default({}),
    user_metadata: metadata.default({}),
  })
  .strict();

export type FixtureUser = z.infer<typeof userSchema>;

export class UserFixtureError extends UserFacingError {}

export class UserDirectory {
  private constructor(private readonly users: ReadonlyMap<string, FixtureUser>) {}

  /** Loads every *.json in `dir`; throws UserFixtureError naming each broken file and field. */
  static load(dir = DEFAULT_USERS_DIR): UserDirectory {
    let entries: string[];
    try {
      entries = readdirSync(dir)
        .filter((f) => f.endsWith(".json"))
        .sort();
    } catch {
      throw new UserFixtureError(`${dir}: user fixture directory not found; create it with one <login>.json per user`);
    }
    const problems: string[] = [];
    const users = new Map<string, FixtureUser>();
    for (const entry of entries) {
      const file = relative(process.cwd(), join(dir, entry)) || entry;
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(join(dir, entry), "utf8"));
      } catch (error) {
        problems.push(`${file}: not valid JSON (${(error as Error).message})`);
        continue;
      }
      const parsed = userSchema.safeParse(raw);
      if (!parsed.success) {
        problems.push(
          ...parsed.error.issues.map(
            (i) =>
              `${file}: ${i.path.join(".") || "(file)"}: ${i.code === "unrecognized_keys" ? `unknown field(s) ${i.keys.join(", ")}` : i.message}`,
          ),
        );
        continue;
      }
      users.set(entry.replace(/\.json$/, ""), parsed.data);
    }
    if (problems.length > 0) throw new UserFixtureError(problems.join("\n"));
    return new UserDirectory(users);
  }

  /** Builds a directory from in-memory users (tests); keys are login names. */
  static of(users: Record<string, unknown>): UserDirectory {
    return new UserDirectory(new Map(Object.entries(users).map(([login, raw]) => [login, userSchema.parse(raw)])));
  }

  /** Finds a user by login name (file name), user_id or email. */
  find(login: string): FixtureUser | undefined {
    const byLogin = this.users.get(login);
    if (byLogin) return byLogin;
    return [...this.users.values()].find((u) => u.user_id === login || u.email === login);
  }

  logins(): string[] {
    return [...this.users.keys()];
  }
}

/** The post-login v3 `event.user` of a fixture user, with what earlier logins' Actions stored. */
export function eventUser(
  user: FixtureUser,
  stored?: { app_metadata: Record<string, unknown>; user_metadata: Record<string, unknown> },
): User {
  const [provider, ...rest] = user.user_id.split("|");
  const id = rest.join("|");
  return {
    user_id: user.user_id,
    ...(user.email !== undefined ? { email: user.email } : {}),
    email_verified: user.email_verified,
    ...(user.name !== undefined ? { name: user.name } : {}),
    ...(user.nickname !== undefined ? { nickname: user.nickname } : {}),
    ...(user.picture !== undefined ? { picture: user.picture } : {}),
    created_at: user.created_at,
    updated_at: user.updated_at,
    app_metadata: structuredClone(stored?.app_metadata ?? user.app_metadata),
    user_metadata: structuredClone(stored?.user_metadata ?? user.user_metadata),
    identities: [
      {
        connection: provider === "auth0" ? "Username-Password-Authentication" : provider,
        isSocial: provider !== "auth0",
        provider,
        user_id: id,
        userId: id,
      },
    ],
  };
}
