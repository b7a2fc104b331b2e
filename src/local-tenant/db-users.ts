/**
 * Users of the local tenant's database connection ("Username-Password-Authentication") created by
 * signup: kept in <stateDir>/db-users.json next to tenant.json, passwords as scrypt hashes (never
 * the password). Fixture users (users.ts) are read-only profiles for logins; these are the ones
 * /dbconnections/signup creates and the Management API's PATCH /api/v2/users/{id} changes.
 */
import { randomBytes, scryptSync, timingSafeEqual } from "node:crypto";
import { join } from "node:path";
import { readJsonFile, writeJsonAtomic } from "./store";

export const DB_CONNECTION = "Username-Password-Authentication";

export interface DbUser {
  user_id: string;
  email: string;
  email_verified: boolean;
  username?: string;
  name?: string;
  nickname?: string;
  given_name?: string;
  family_name?: string;
  picture?: string;
  created_at: string;
  updated_at: string;
  last_password_reset?: string;
  app_metadata: Record<string, unknown>;
  user_metadata: Record<string, unknown>;
  /** scrypt$<salt>$<hash>, base64url. */
  password_hash: string;
}

export class DbUsers {
  private readonly users: DbUser[];

  constructor(private readonly file?: string) {
    this.users = (file ? readJsonFile<DbUser[]>(file) : undefined) ?? [];
  }

  static inStateDir(stateDir: string): DbUsers {
    return new DbUsers(join(stateDir, "db-users.json"));
  }

  findByEmail(email: string): DbUser | undefined {
    return this.users.find((u) => u.email.toLowerCase() === email.toLowerCase());
  }

  get(userId: string): DbUser | undefined {
    return this.users.find((u) => u.user_id === userId);
  }

  create(user: Omit<DbUser, "user_id" | "password_hash" | "created_at" | "updated_at">, password: string): DbUser {
    const now = new Date().toISOString();
    const created: DbUser = {
      ...user,
      user_id: `auth0|${randomBytes(12).toString("hex")}`,
      created_at: now,
      updated_at: now,
      password_hash: hashPassword(password),
    };
    this.users.push(created);
    this.save();
    return structuredClone(created);
  }

  setPassword(userId: string, password: string): DbUser {
    const user = this.users.find((u) => u.user_id === userId);
    if (!user) throw new Error(`no user ${userId}`);
    const now = new Date().toISOString();
    user.password_hash = hashPassword(password);
    user.last_password_reset = now;
    user.updated_at = now;
    this.save();
    return structuredClone(user);
  }

  passwordMatches(userId: string, password: string): boolean {
    const user = this.get(userId);
    if (!user) return false;
    const [, salt, hash] = user.password_hash.split("$");
    const presented = scryptSync(password, Buffer.from(salt, "base64url"), 32);
    return timingSafeEqual(presented, Buffer.from(hash, "base64url"));
  }

  private save(): void {
    if (this.file) writeJsonAtomic(this.file, this.users);
  }
}

function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString("base64url")}$${scryptSync(password, salt, 32).toString("base64url")}`;
}

/** The user as the Management API and the registration/password triggers show it (no password hash). */
export function userView(user: DbUser): Record<string, unknown> & { user_id: string } {
  const { password_hash: _hash, ...rest } = user;
  const id = user.user_id.split("|")[1];
  return {
    ...structuredClone(rest),
    identities: [{ connection: DB_CONNECTION, user_id: id, userId: id, provider: "auth0", isSocial: false }],
  };
}
