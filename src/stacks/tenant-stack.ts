/**
 * One Terraform stack per tenant file: the auth0 provider for the tenant's domain, its state
 * backend, the claims Action (plus any further Actions the file lists) and their post-login
 * bindings. Credentials are never part of the stack: the provider reads AUTH0_CLIENT_ID /
 * AUTH0_CLIENT_SECRET (or AUTH0_API_TOKEN) from the environment at plan/apply time.
 */
import { CloudBackend, PgBackend, type PgBackendConfig, Fn, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { Auth0Provider } from "../../.gen/providers/auth0/provider";
import { TriggerAction } from "../../.gen/providers/auth0/trigger-action";
import { TriggerActions } from "../../.gen/providers/auth0/trigger-actions";
import type { Tenant } from "../config/load-tenants";
import type { BackendConfig } from "../config/tenant-schema";
import { PostLoginAction } from "../constructs/post-login-action";
import { PostLoginClaimsAction } from "../constructs/post-login-claims-action";

/** Where stacks are synthesized, relative to the repository root (cdktf.json "output"). */
const STACK_DIR_DEPTH = "../../../";

export class TenantStack extends TerraformStack {
  /** The Actions of the post-login flow, in flow order (the claims Action first). */
  readonly actions: readonly PostLoginAction[];

  constructor(scope: Construct, readonly tenant: Tenant) {
    super(scope, tenant.name);
    new Auth0Provider(this, "auth0", { domain: tenant.domain });
    declareBackend(this, tenant.name, tenant.backend);

    this.actions = [
      new PostLoginClaimsAction(this, "claims", { claims: tenant.claims }),
      ...tenant.actions.map(
        (a) =>
          new PostLoginAction(this, a.handler, {
            handler: a.handler,
            name: a.name ?? a.handler,
            secretsFromEnv: Object.fromEntries(Object.entries(a.secrets).map(([name, s]) => [name, s.env])),
            secretsVersion: a.secrets_version,
            dependencies: a.dependencies,
          }),
      ),
    ];
    bindPostLoginFlow(this, tenant.post_login_flow, this.actions);

    new TerraformOutput(this, "post_login_code_sha256", {
      description: "sha256 of each post-login Action's code as Terraform sends it, by Action name: what promotion compares",
      // Computed by Terraform from the resource's own attribute, so state records what was deployed.
      value: Object.fromEntries(this.actions.map((a) => [a.name, Fn.sha256(a.action.code)])),
    });
  }
}

function declareBackend(stack: TerraformStack, tenantName: string, backend: BackendConfig): void {
  switch (backend.type) {
    case "local":
      // Relative to the stack's directory (cdktf.out/stacks/<tenant>), so that state lives in the
      // repository's state/ folder and the synthesized JSON holds no absolute path.
      new LocalBackend(stack, { path: `${STACK_DIR_DEPTH}${backend.path ?? `state/${tenantName}.tfstate`}` });
      return;
    case "s3": {
      const s3 = new S3Backend(stack, { bucket: backend.bucket, key: backend.key, region: backend.region, encrypt: true });
      s3.addOverride("use_lockfile", backend.use_lockfile);
      return;
    }
    case "pg":
      // No conn_str: Terraform reads PG_CONN_STR from the environment, so the credential it holds
      // never reaches the synthesized JSON. (cdktf's type requires connStr; the backend does not.)
      new PgBackend(stack, { schemaName: pgSchemaName(tenantName, backend.schema_name) } as PgBackendConfig);
      return;
    case "cloud":
      new CloudBackend(stack, {
        hostname: backend.hostname,
        organization: backend.organization,
        workspaces: new NamedCloudWorkspace(backend.workspace),
      });
      return;
  }
}

function bindPostLoginFlow(stack: TerraformStack, mode: Tenant["post_login_flow"], actions: readonly PostLoginAction[]): void {
  if (mode === "authoritative") {
    // Owns the whole flow: bindings not declared here are removed on apply (the plan review warns).
    new TriggerActions(stack, "post_login_flow", {
      trigger: "post-login",
      actions: actions.map((a) => ({ id: a.action.id, displayName: a.name })),
    });
    return;
  }
  // Appends each Action to the end of the flow, leaving other bindings alone. Each binding waits
  // for the previous one so the Actions keep the declared order among themselves.
  let previous: TriggerAction | undefined;
  actions.forEach((a, index) => {
    previous = new TriggerAction(stack, `post_login_binding_${index}`, {
      trigger: "post-login",
      actionId: a.action.id,
      displayName: a.name,
      ...(previous ? { dependsOn: [previous] } : {}),
    });
  });
}

/** The pg backend's schema for a tenant: the file's schema_name, else auth0_<tenant>. */
export function pgSchemaName(tenantName: string, schemaName: string | undefined): string {
  return schemaName ?? `auth0_${tenantName.replace(/-/g, "_")}`;
}
