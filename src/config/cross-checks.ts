/**
 * Checks that need more than one field or more than one tenant file, run by the loader after each
 * file passed its schema and before anything is synthesized: one state per tenant, one file per
 * Auth0 domain, unique Action names per tenant, state outside tenants/ and actions/, Auth0's
 * documented limits (secrets, CLAIMS_CONFIG, Actions per trigger), and dependencies that are real
 * npm package names (their versions are checked by the schema). Every problem names the file and the field.
 *
 * The checks read a tenant's Actions only through `declaredActions(tenant)`: when the tenant file's
 * shape changes, that accessor is the one place to re-point.
 */
import { posix } from "node:path";
import validateNpmPackageName from "validate-npm-package-name";
import { CLAIMS_CONFIG_SECRET } from "../../actions/post-login/add-metadata-claims";
import { AUTH0_LIMITS } from "../auth0-facts";
import { claimsSecretValue, DEFAULT_CLAIMS_ACTION_NAME } from "./claims-settings";
import { POST_LOGIN } from "../triggers";
import { CLAIMS_HANDLER, flowList, type ConfigProblem, type Tenant } from "./tenant-schema";

export interface DeclaredActionView {
  /** Field path of the entry in the tenant file, for messages ("actions[1]"; "claims" for the claims Action). */
  field: string;
  trigger: string;
  handler: string;
  /** The Action's name in Auth0. */
  name: string;
  secretNames: string[];
  /** Secret values known before deploy (settings written into the stack), by name. */
  knownSecretValues: Record<string, string>;
  dependencies: Record<string, string>;
}

/** The tenant's Actions, flow by flow in trigger-table order, each flow in binding order. */
export function declaredActions(tenant: Tenant): DeclaredActionView[] {
  return flowList(tenant.flows).flatMap(({ trigger, actions }) =>
    actions.map((a, i): DeclaredActionView => {
      const claims = trigger === POST_LOGIN && a.handler === CLAIMS_HANDLER;
      return {
        field: `flows.${trigger}.actions[${i}]`,
        trigger,
        handler: a.handler,
        name: a.name ?? (claims ? DEFAULT_CLAIMS_ACTION_NAME : a.handler),
        secretNames: [...(claims ? [CLAIMS_CONFIG_SECRET] : []), ...Object.keys(a.secrets)],
        knownSecretValues: claims ? { [CLAIMS_CONFIG_SECRET]: claimsSecretValue(tenant.claims) } : {},
        dependencies: a.dependencies,
      };
    }),
  );
}

export function crossFileProblems(tenants: readonly Tenant[]): ConfigProblem[] {
  return [...sharedStateProblems(tenants), ...sharedDomainProblems(tenants), ...tenants.flatMap(perTenantProblems)];
}

/** "state/dev.tfstate" however it is spelled ("./state/dev.tfstate", "state//dev.tfstate"). */
export function normaliseLocalPath(path: string): string {
  return posix.normalize(path.replace(/\\/g, "/")).replace(/^(\.\/)+/, "");
}

/** One string per distinct state location; two tenants with the same key would overwrite each other's state. */
export function stateKey(tenant: Tenant): { key: string; field: string } {
  const b = tenant.backend;
  switch (b.type) {
    case "local":
      return { key: `local:${normaliseLocalPath(b.path ?? `state/${tenant.name}.tfstate`)}`, field: "backend.path" };
    case "s3":
      return { key: `s3:${b.bucket}/${posix.normalize(b.key).replace(/^\/+/, "")}@${b.region}`, field: "backend.key" };
    case "cloud":
      return {
        key: `cloud:${(b.hostname ?? "app.terraform.io").toLowerCase()}/${b.organization}/${b.workspace}`,
        field: "backend.workspace",
      };
    default:
      // pg: the connection string comes from the environment (one database for all tenants), so the schema tells tenants apart.
      return { key: `${b.type}:${b.schema_name ?? `auth0_${tenant.name.replace(/-/g, "_")}`}`, field: "backend.schema_name" };
  }
}

function sharedStateProblems(tenants: readonly Tenant[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const byKey = new Map<string, Tenant>();
  for (const t of tenants) {
    const { key, field } = stateKey(t);
    const other = byKey.get(key);
    if (other) {
      problems.push({
        file: t.file,
        field,
        message: `the same state as ${other.file} (${key.replace(/^[a-z0-9]+:/, "")}): each deploy would orphan the other tenant's Actions; give each tenant its own state`,
      });
    } else byKey.set(key, t);
    if (t.backend.type === "local") {
      const path = normaliseLocalPath(t.backend.path ?? "");
      const top = path.split("/")[0];
      if (top === "tenants" || top === "actions") {
        problems.push({
          file: t.file,
          field: "backend.path",
          message: `state must not live under ${top}/ (it would be read as a ${top === "tenants" ? "tenant file" : "handler"} and committed): use state/${t.name}.tfstate`,
        });
      }
    }
  }
  return problems;
}

/** "coop.eu.auth0.com" for "Coop.EU.auth0.com.", "coop.eu.auth0.com:443". */
export function normaliseDomain(domain: string): string {
  return domain.trim().toLowerCase().replace(/:443$/, "").replace(/\.$/, "");
}

function sharedDomainProblems(tenants: readonly Tenant[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const byDomain = new Map<string, Tenant>();
  for (const t of tenants) {
    const domain = normaliseDomain(t.domain);
    const other = byDomain.get(domain);
    if (other)
      problems.push({
        file: t.file,
        field: "domain",
        message: `"${t.domain}" is already the domain of ${other.file} (both are ${domain}): one file per tenant`,
      });
    else byDomain.set(domain, t);
  }
  return problems;
}

function perTenantProblems(tenant: Tenant): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const at = (field: string, message: string) => problems.push({ file: tenant.file, field, message });
  const actions = declaredActions(tenant);
  const byName = new Map<string, DeclaredActionView>();
  for (const a of actions) {
    const other = byName.get(a.name);
    if (other)
      at(
        `${a.field}.name`,
        `"${a.name}" is already the name of ${other.field} (handler ${other.handler}): Auth0 Action names are unique per tenant; set a distinct name`,
      );
    else byName.set(a.name, a);

    if (a.secretNames.length > AUTH0_LIMITS.secretsPerAction)
      at(`${a.field}.secrets`, `${a.secretNames.length} secrets; Auth0 allows ${AUTH0_LIMITS.secretsPerAction} per Action`);
    for (const s of a.secretNames) {
      if (s.length > AUTH0_LIMITS.secretNameLength)
        at(`${a.field}.secrets.${s.slice(0, 20)}…`, `secret name of ${s.length} characters; Auth0 allows ${AUTH0_LIMITS.secretNameLength}`);
    }
    for (const [s, value] of Object.entries(a.knownSecretValues)) {
      if (value.length > AUTH0_LIMITS.secretValueLength) {
        at(
          // The claims Action's CLAIMS_CONFIG is built from the `claims` section: the field to shorten.
          s === CLAIMS_CONFIG_SECRET ? "claims" : a.field,
          `the ${s} secret built from this section is ${value.length} characters; Auth0 allows ${AUTH0_LIMITS.secretValueLength} per secret value (shorten the namespace or list fewer fields)`,
        );
      }
    }
    const deps = Object.entries(a.dependencies);
    if (deps.length > AUTH0_LIMITS.dependenciesPerAction)
      at(`${a.field}.dependencies`, `${deps.length} dependencies; Auth0 allows ${AUTH0_LIMITS.dependenciesPerAction} per Action`);
    for (const name of Object.keys(a.dependencies)) {
      const shown = JSON.stringify(name.length > 60 ? `${name.slice(0, 60)}…` : name);
      const valid = validateNpmPackageName(name);
      if (!valid.validForOldPackages) {
        at(
          `${a.field}.dependencies.${shown}`,
          `not an npm package name (${[...(valid.errors ?? []), ...(valid.warnings ?? [])][0] ?? "invalid"}); name a package from the npm registry, no URL or path`,
        );
      }
    }
  }
  const perTrigger = new Map<string, number>();
  for (const a of actions) perTrigger.set(a.trigger, (perTrigger.get(a.trigger) ?? 0) + 1);
  for (const [trigger, count] of perTrigger) {
    if (count > AUTH0_LIMITS.actionsPerTrigger)
      at(`flows.${trigger}.actions`, `${count} Actions bound to ${trigger}; Auth0 allows ${AUTH0_LIMITS.actionsPerTrigger} per trigger`);
  }
  return problems;
}
