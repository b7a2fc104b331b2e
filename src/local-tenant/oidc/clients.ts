/**
 * The applications that may log users in through /authorize: one JSON file per client under
 * fixtures/clients/ (Auth0's field names: client_id, name, app_type, token_endpoint_auth_method,
 * callbacks, web_origins, allowed_logout_urls). Secrets are not in the fixtures: a confidential client's secret is random per state
 * directory, kept in <stateDir>/client-secrets.json (mode 0600) like the deployer's credentials.
 * A broken file is named with the field and what is allowed, like a broken user fixture.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { z } from "zod";
import { REPO_ROOT } from "../../paths";
import { readFixtureDir } from "../fixture-dir";
import { readJsonFile, writeJsonAtomic } from "../store";
import { UserFacingError } from "../../errors";

export const DEFAULT_CLIENTS_DIR = join(REPO_ROOT, "fixtures", "clients");
export const CLIENT_SECRETS_FILE = "client-secrets.json";

const clientSchema = z
  .object({
    client_id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be 1-64 letters, digits, '-' or '_'"),
    name: z.string().min(1),
    app_type: z.enum(["regular_web", "spa", "native"]).default("regular_web"),
    // "none": a public client (SPA, native) proves itself with PKCE instead of a secret.
    token_endpoint_auth_method: z.enum(["client_secret_post", "client_secret_basic", "none"]).default("client_secret_post"),
    callbacks: z
      .array(z.string().url("must be an absolute URL such as http://localhost:3000/callback"))
      .min(1, "must list at least one allowed callback URL"),
    // Origins a browser app may call /oauth/token and /userinfo from (CORS), e.g. "http://localhost:5173".
    web_origins: z
      .array(z.string().regex(/^https?:\/\/[^/?#]+$/, 'must be an origin such as "http://localhost:5173" (no path)'))
      .default([]),
    // Where /v2/logout may send the browser back to (returnTo), matched exactly.
    allowed_logout_urls: z.array(z.string().url("must be an absolute URL such as http://localhost:3000/")).default([]),
  })
  .strict();

export type ClientDefinition = z.input<typeof clientSchema>;
export type OidcClient = z.infer<typeof clientSchema> & {
  /** Absent for public clients (token_endpoint_auth_method "none"). */
  client_secret?: string;
};

export class ClientFixtureError extends UserFacingError {}

export class ClientRegistry {
  private constructor(private readonly clients: ReadonlyMap<string, OidcClient>) {}

  /**
   * Loads every *.json in `dir`; secrets come from (or are added to) <stateDir>/client-secrets.json.
   * Throws ClientFixtureError naming each broken file and field.
   */
  static load(dir: string, stateDir: string): ClientRegistry {
    const { entries, problems } = readFixtureDir(dir, clientSchema, {
      missing: "client fixture directory not found; create it with one <client_id>.json per application",
      allowedFields: Object.keys(clientSchema.shape),
      toError: (message) => new ClientFixtureError(message),
    });
    const definitions: Array<z.infer<typeof clientSchema>> = [];
    for (const { file, data } of entries) {
      if (definitions.some((d) => d.client_id === data.client_id)) {
        problems.push(`${file}: client_id: "${data.client_id}" is already defined by another file`);
        continue;
      }
      definitions.push(data);
    }
    if (problems.length > 0) throw new ClientFixtureError(problems.join("\n"));
    return new ClientRegistry(withSecrets(definitions, join(stateDir, CLIENT_SECRETS_FILE)));
  }

  /** In-memory clients (tests): secrets random per registry, never written anywhere. */
  static of(definitions: ClientDefinition[]): ClientRegistry {
    const parsed = definitions.map((d) => clientSchema.parse(d));
    return new ClientRegistry(
      new Map(parsed.map((c) => [c.client_id, c.token_endpoint_auth_method === "none" ? c : { ...c, client_secret: newSecret() }])),
    );
  }

  get(clientId: string): OidcClient | undefined {
    return this.clients.get(clientId);
  }

  list(): OidcClient[] {
    return [...this.clients.values()];
  }
}

function newSecret(): string {
  return randomBytes(48).toString("base64url");
}

/** Gives each confidential client its stored secret, creating (and saving) the missing ones. */
function withSecrets(definitions: Array<z.infer<typeof clientSchema>>, file: string): Map<string, OidcClient> {
  const stored = readJsonFile<Record<string, string>>(file) ?? {};
  let changed = false;
  const clients = new Map<string, OidcClient>();
  for (const d of definitions) {
    if (d.token_endpoint_auth_method === "none") {
      clients.set(d.client_id, d);
      continue;
    }
    let secret = stored[d.client_id];
    if (typeof secret !== "string" || secret === "") {
      secret = newSecret();
      stored[d.client_id] = secret;
      changed = true;
    }
    clients.set(d.client_id, { ...d, client_secret: secret });
  }
  if (changed) writeJsonAtomic(file, stored);
  return clients;
}
