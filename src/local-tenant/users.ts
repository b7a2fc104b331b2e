/**
 * The local tenant's user directory: one JSON file per user under fixtures/users/ (the file
 * name is the login name), shaped like an Auth0 user profile. A broken file is named with the
 * field and what is allowed, like a broken tenant file.
 */
import { join } from "node:path";
import { z } from "zod";
import type { User } from "../../actions/types/post-login-v3";
import { REPO_ROOT } from "../paths";
import { UserFacingError } from "../errors";
import { readFixtureDir } from "./fixture-dir";

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
    const { entries, problems } = readFixtureDir(dir, userSchema, {
      missing: "user fixture directory not found; create it with one <login>.json per user",
      toError: (message) => new UserFixtureError(message),
    });
    const users = new Map(entries.map((e): [string, FixtureUser] => [e.name, e.data]));
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
