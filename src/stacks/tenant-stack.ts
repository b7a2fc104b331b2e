/**
 * One Terraform stack per tenant file: the auth0 provider for the tenant's domain, its state
 * backend, an auth0_action per Action the file's flows list (the claims Action among them) and
 * one binding per flow (append: auth0_trigger_action per Action; authoritative: auth0_trigger_actions). Credentials are never part of the stack: the provider reads AUTH0_CLIENT_ID /
 * AUTH0_CLIENT_SECRET (or AUTH0_API_TOKEN) from the environment at plan/apply time.
 */
import {
  CloudBackend,
  PgBackend,
  type PgBackendConfig,
  Fn,
  LocalBackend,
  NamedCloudWorkspace,
  S3Backend,
  TerraformOutput,
  TerraformStack,
} from "cdktf";
import { Construct } from "constructs";
import { Auth0Provider } from "../../.gen/providers/auth0/provider";
import { TriggerAction } from "../../.gen/providers/auth0/trigger-action";
import { TriggerActions } from "../../.gen/providers/auth0/trigger-actions";
import { handlerFile, type Tenant } from "../config/load-tenants";
import {
  CLAIMS_HANDLER,
  flowList,
  LIMITS_ACTIONS_PER_TRIGGER,
  type ActionEntry,
  type BackendConfig,
  type FlowConfig,
} from "../config/tenant-schema";
import { applyAdoption } from "./adoption";
import { Auth0Action, type Auth0ActionProps } from "../constructs/auth0-action";
import type { Auth0ActionModule } from "../constructs/auth0-action-module";
import { declareModules } from "../constructs/tenant-modules";
import { CODE_HASH_OUTPUT } from "./outputs";
import { claimsAction } from "../constructs/claims-action";
import { assertNoLiveTemplates, terraformLiteral } from "../terraform/template-escape";
import { POST_LOGIN, terraformName, type TriggerId } from "../triggers";

/** Where stacks are synthesized, relative to the repository root (cdktf.json "output"). */
const STACK_DIR_DEPTH = "../../../";

export interface TenantStackOptions {
  /**
   * Folder of the <trigger>/<handler>.ts handler folders.
   * @default the repository's actions/ (a test's own handlers live elsewhere)
   */
  readonly handlersRoot?: string;
}

export class TenantStack extends TerraformStack {
  /** Every Action of the tenant: flows in trigger-table order, each in flow order. */
  readonly actions: readonly Auth0Action[];
  /** The Action Modules the tenant file declares, by name. */
  readonly modules: ReadonlyMap<string, Auth0ActionModule>;
  /** The Actions of each declared flow, in flow order. */
  readonly flows: ReadonlyArray<{
    readonly trigger: TriggerId;
    readonly mode: FlowConfig["mode"];
    readonly actions: readonly Auth0Action[];
  }>;

  constructor(
    scope: Construct,
    readonly tenant: Tenant,
    options: TenantStackOptions = {},
  ) {
    super(scope, tenant.name);
    new Auth0Provider(this, "auth0", { domain: terraformLiteral(tenant.domain, `tenants/${tenant.name}: domain`) });
    declareBackend(this, tenant.name, tenant.backend);

    this.modules = declareModules(this, tenant.modules ?? {}, options.handlersRoot);
    const pins = [...this.modules.values()].map((m) => m.pin);
    this.flows = flowList(tenant.flows).map(({ trigger, mode, actions }) => ({
      trigger,
      mode,
      actions: actions.map((entry) => declareAction(this, trigger, entry, tenant, options.handlersRoot, pins)),
    }));
    this.actions = this.flows.flatMap((f) => f.actions);
    for (const flow of this.flows) bindFlow(this, flow.trigger, flow.mode, flow.actions);
    this.addOverride(
      "removed",
      this.flows.flatMap((f) => forgottenBindings(f.trigger, f.mode)),
    );
    // Import blocks and adopted code for Actions that already exist in the tenant (docs/adopt.md).
    applyAdoption(this, tenant.flows);

    new TerraformOutput(this, CODE_HASH_OUTPUT, {
      description: "sha256 of each Action's code as Terraform sends it, by trigger and handler: what promotion compares",
      // Computed by Terraform from the resource's own attribute, so state records what was deployed.
      value: Object.fromEntries(
        this.flows.map((f) => [f.trigger, Object.fromEntries(f.actions.map((a) => [a.handler, Fn.sha256(a.action.code)]))]),
      ),
    });
  }

  /**
   * The synthesized JSON (what `cdktf synth` and Testing.synth write), checked for live templates:
   * an attribute that skipped terraformLiteral would let tenant text run as Terraform at plan time,
   * so synth fails and names the JSON path instead.
   */
  override toTerraform(): Record<string, unknown> {
    const json = super.toTerraform() as Record<string, unknown>;
    assertNoLiveTemplates(json, this.node.id);
    return json;
  }
}

function declareAction(
  stack: TerraformStack,
  trigger: TriggerId,
  entry: ActionEntry,
  tenant: Tenant,
  handlersRoot: string | undefined,
  modules: Auth0ActionProps["modules"],
): Auth0Action {
  const file = handlersRoot ? handlerFile(trigger, entry.handler, handlersRoot) : undefined;
  const fromEntry = {
    ...(file ? { entry: file } : {}),
    secretsFromEnv: Object.fromEntries(Object.entries(entry.secrets).map(([name, s]) => [name, s.env])),
    secretsVersion: entry.secrets_version,
    dependencies: entry.dependencies,
    modules,
  };
  // Construct ids are unchanged from the post-login-only stack ("claims", then the handler), so paths stay stable.
  if (trigger === POST_LOGIN && entry.handler === CLAIMS_HANDLER) {
    return claimsAction(stack, "claims", { claims: tenant.claims, ...(entry.name ? { name: entry.name } : {}), action: fromEntry });
  }
  const declared = new Auth0Action(stack, entry.handler, {
    trigger,
    handler: entry.handler,
    name: entry.name ?? entry.handler,
    ...fromEntry,
  });
  // A renamed handler moves the resource (moved block) instead of deleting the Action and creating another.
  if (entry.renamed_from) declared.action.moveFromId(`auth0_action.${terraformName(entry.renamed_from)}`);
  return declared;
}

/**
 * Backend settings are written as they are, not through terraformLiteral: Terraform reads the
 * `terraform` block verbatim (no templates), so an escaped "$${" would reach the backend as "$${".
 */
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

function bindFlow(stack: TerraformStack, trigger: TriggerId, mode: FlowConfig["mode"], actions: readonly Auth0Action[]): void {
  const name = terraformName(trigger);
  if (mode === "authoritative") {
    // Owns the whole flow: bindings not declared here are removed on apply (the plan review warns).
    new TriggerActions(stack, `${name}_flow`, {
      trigger,
      actions: actions.map((a) => ({ id: a.action.id, displayName: terraformLiteral(a.name, `${a.node.path}: display name`) })),
    });
    return;
  }
  // Appends each Action to the end of the flow, leaving other bindings alone. Each binding waits
  // for the previous one so the Actions keep the declared order among themselves.
  let previous: TriggerAction | undefined;
  actions.forEach((a, index) => {
    previous = new TriggerAction(stack, `${name}_binding_${index}`, {
      trigger,
      actionId: a.action.id,
      displayName: terraformLiteral(a.name, `${a.node.path}: display name`),
      ...(previous ? { dependsOn: [previous] } : {}),
    });
  });
}

/**
 * Switching a flow's mode swaps its binding resources. Destroying the old ones would unbind Actions
 * that the new ones bind (in parallel, in no order Terraform promises): logins would run without
 * them, or the flow would end up empty. So the old resources are only forgotten (`removed` blocks,
 * destroy = false): the new authoritative flow sets the bindings in one call, and each new append
 * binding finds its Action already bound. A block for an address the state does not hold does
 * nothing; append bindings are numbered, so every number a flow can have (Auth0's limit) is listed.
 */
function forgottenBindings(trigger: TriggerId, mode: FlowConfig["mode"]): Array<{ from: string; lifecycle: { destroy: false } }> {
  const name = terraformName(trigger);
  const addresses =
    mode === "append"
      ? [`auth0_trigger_actions.${name}_flow`]
      : Array.from({ length: LIMITS_ACTIONS_PER_TRIGGER }, (_, index) => `auth0_trigger_action.${name}_binding_${index}`);
  return addresses.map((from) => ({ from, lifecycle: { destroy: false } }));
}

/** The pg backend's schema for a tenant: the file's schema_name, else auth0_<tenant>. */
export function pgSchemaName(tenantName: string, schemaName: string | undefined): string {
  return schemaName ?? `auth0_${tenantName.replace(/-/g, "_")}`;
}
