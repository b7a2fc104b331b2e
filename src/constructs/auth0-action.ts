/**
 * One deployed Action on any trigger, built from a handler under actions/<trigger>/. The
 * construct does not know which flow calls it: the trigger id and version are props, checked
 * against the trigger table (src/triggers.ts). The code is identical for every tenant;
 * per-tenant values arrive as Action secrets through `secrets_wo` (write-only: never stored in
 * Terraform state):
 *   - `settings`: non-secret configuration, written literally into the synthesized Terraform;
 *   - `secretsFromEnv`: secret values read from Terraform variables (TF_VAR_<ENV>) at plan/apply.
 * Every string the construct writes (name, code, settings, dependencies) is escaped so that
 * Terraform reads it as text, never as a template (src/terraform/template-escape.ts).
 */
import { TerraformStack, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { createHash } from "node:crypto";
import { Action } from "../../.gen/providers/auth0/action";
import { AUTH0_LIMITS, SECRET_NAME } from "../auth0-facts";
import { ActionCodeTooLargeError, bundleActionHandler, type BundledAction } from "../bundle/bundle-action";
import { MODULE_SPECIFIER_PREFIX } from "../bundle/action-modules";
import type { ModulePin } from "./auth0-action-module";
import { terraformLiteral } from "../terraform/template-escape";
import { TRIGGERS, terraformName, type TriggerId, type TriggerSpec } from "../triggers";
import { ConstructValidationError } from "./validation-error";

export interface Auth0ActionProps {
  /** Auth0's trigger id, e.g. "post-login" or "credentials-exchange" (a row of src/triggers.ts). */
  readonly trigger: TriggerId;
  /**
   * The trigger version the handler is written for.
   * @default the version in src/triggers.ts (the one whose types the handler compiles against)
   */
  readonly triggerVersion?: string;
  /** File name under actions/<trigger>/ without ".ts", e.g. "add-metadata-claims". */
  readonly handler: string;
  /** The Action's name in Auth0 (unique per tenant). */
  readonly name: string;
  /** Non-secret values the handler reads from event.secrets. */
  readonly settings?: Readonly<Record<string, string>>;
  /** Secret name → environment variable; the value is read from TF_VAR_<variable> at plan/apply. */
  readonly secretsFromEnv?: Readonly<Record<string, string>>;
  /**
   * Bump to push new secret values when only the values (not the names) changed.
   * @default 1
   */
  readonly secretsVersion?: number;
  /** npm packages Auth0 installs for the Action, name → exact version (kept out of the bundle). */
  readonly dependencies?: Readonly<Record<string, string>>;
  /**
   * The handler file to bundle, when it is not actions/<trigger>/<handler>.ts (tests, converters).
   * @default actions/<trigger>/<handler>.ts (or .js)
   */
  readonly entry?: string;
  /**
   * Action Modules the tenant deploys. The Action is pinned to the published version of each module
   * its code requires (`import ... from "actions:<name>"`); requiring one not listed here is an error.
   * @default none
   */
  readonly modules?: readonly ModulePin[];
}

const MAX_CODE_BYTES = AUTH0_LIMITS.actionCodeSize;
const MAX_SECRETS = AUTH0_LIMITS.secretsPerAction;

export class Auth0Action extends Construct {
  /** The underlying auth0_action resource. */
  readonly action: Action;
  /** The JavaScript deployed as the Action's code. */
  readonly code: string;
  /** sha256 (hex) of `code`. */
  readonly codeSha256: string;
  readonly name: string;
  readonly handler: string;
  readonly trigger: TriggerId;
  readonly triggerVersion: string;
  /** Names of the Action Modules the code requires, sorted: the Action is pinned to each. */
  readonly modules: readonly string[];

  constructor(scope: Construct, id: string, props: Auth0ActionProps) {
    super(scope, id);
    const { spec, version } = checkedTrigger(this, props);
    const settings = props.settings ?? {};
    const secretsFromEnv = props.secretsFromEnv ?? {};
    checkSecretNames(this, settings, secretsFromEnv);
    const bundle = bundleWithinLimit(this, spec, props);
    this.code = bundle.code;
    this.codeSha256 = bundle.sha256;
    this.name = props.name;
    this.handler = props.handler;
    this.trigger = props.trigger;
    this.triggerVersion = version;
    this.modules = bundle.modules;
    const pins = bundle.modules.map((name) => {
      const pin = props.modules?.find((m) => m.name === name);
      if (!pin)
        throw new ConstructValidationError(
          "MODULE_NOT_DEPLOYED",
          this,
          `${spec.handlerDir}/${props.handler}.ts requires "${MODULE_SPECIFIER_PREFIX}${name}", which this tenant does not deploy; add "${name}: {}" under modules in the tenant file`,
        );
      return { moduleId: pin.moduleId, moduleVersionId: pin.moduleVersionId };
    });

    const secretValues: Array<{ name: string; value: string }> = [
      ...Object.entries(settings).map(([name, value]) => ({ name, value: terraformLiteral(value, `${this.node.path}: setting ${name}`) })),
      ...Object.entries(secretsFromEnv).map(([name, env]) => ({ name, value: secretVariable(this, env).stringValue })),
    ].sort((a, b) => a.name.localeCompare(b.name));

    // Every string below is literal text: terraformLiteral keeps Terraform from evaluating it.
    const literal = (text: string, what: string) => terraformLiteral(text, `${this.node.path}: ${what}`);
    this.action = new Action(this, "action", {
      name: literal(props.name, "name"),
      code: literal(bundle.code, "code"),
      runtime: "node22",
      deploy: true,
      supportedTriggers: { id: literal(spec.id, "trigger"), version: literal(version, "trigger version") },
      ...(pins.length > 0 ? { modules: pins } : {}),
      ...(props.dependencies && Object.keys(props.dependencies).length > 0
        ? {
            dependencies: Object.entries(props.dependencies)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([name, version]) => ({ name: literal(name, "dependency name"), version: literal(version, `dependency ${name}`) })),
          }
        : {}),
      ...(secretValues.length > 0
        ? {
            secretsWo: secretValues,
            // Write-only values are invisible to Terraform, so a change must show as a version bump:
            // derived from the settings (visible in review) plus the explicit secrets version.
            secretsWoVersion: secretsWoVersion(settings, secretsFromEnv, props.secretsVersion ?? 1),
          }
        : {}),
    });
    // A readable, stable address for plans and state: auth0_action.<handler> (handlers are unique per tenant).
    this.action.overrideLogicalId(terraformName(props.handler));
  }
}

/** The trigger's row and the version the handler is written for: any other trigger or version is refused. */
function checkedTrigger(action: Construct, props: Auth0ActionProps): { spec: TriggerSpec; version: string } {
  const spec = TRIGGERS.find((t) => t.id === props.trigger);
  if (!spec) {
    throw new ConstructValidationError(
      "TRIGGER_UNKNOWN",
      action,
      `trigger "${props.trigger}" is not one of ${TRIGGERS.map((t) => t.id).join(", ")}; add a row to src/triggers.ts`,
    );
  }
  const version = props.triggerVersion ?? spec.version;
  if (version !== spec.version) {
    throw new ConstructValidationError(
      "TRIGGER_VERSION_UNSUPPORTED",
      action,
      `triggerVersion: ${spec.id} ${version}: handlers here are typed for ${spec.id} ${spec.version} (${spec.typesModule}.d.ts); change the version in src/triggers.ts together with the types`,
    );
  }
  return { spec, version };
}

/** Settings and secrets share Auth0's secret names: each a valid name, used once, within Auth0's count. */
function checkSecretNames(
  action: Construct,
  settings: Readonly<Record<string, string>>,
  secretsFromEnv: Readonly<Record<string, string>>,
): void {
  for (const secret of [...Object.keys(settings), ...Object.keys(secretsFromEnv)]) {
    if (!SECRET_NAME.test(secret))
      throw new ConstructValidationError("SECRET_NAME_INVALID", action, `secret name "${secret}" must match ${SECRET_NAME}`);
    if (secret in settings && secret in secretsFromEnv)
      throw new ConstructValidationError("SECRET_NAME_CONFLICT", action, `"${secret}" is both a setting and a secret; pick one`);
  }
  const secretCount = Object.keys(settings).length + Object.keys(secretsFromEnv).length;
  if (secretCount > MAX_SECRETS)
    throw new ConstructValidationError("TOO_MANY_SECRETS", action, `${secretCount} secrets; Auth0 allows ${MAX_SECRETS} per Action`);
}

/** The handler's code as Auth0 receives it; code over Auth0's limit is refused, naming the file. */
function bundleWithinLimit(action: Construct, spec: TriggerSpec, props: Auth0ActionProps): BundledAction {
  try {
    return bundleActionHandler(spec.id, props.handler, Object.keys(props.dependencies ?? {}), props.entry);
  } catch (error) {
    if (!(error instanceof ActionCodeTooLargeError)) throw error;
    throw new ConstructValidationError(
      "ACTION_CODE_TOO_LARGE",
      action,
      `${error.entry} bundles to ${error.bytes} bytes; Auth0 allows ${MAX_CODE_BYTES} (100 kB) of code per Action: move large data out of the code, or list big libraries under dependencies`,
    );
  }
}

/** A sensitive, ephemeral Terraform variable per secret, shared by every Action of the stack. */
function secretVariable(scope: Construct, env: string): TerraformVariable {
  const stackScope = TerraformStack.of(scope);
  const existing = stackScope.node.tryFindChild(`secret-${env}`);
  if (existing) return existing as TerraformVariable;
  const variable = new TerraformVariable(stackScope, `secret-${env}`, {
    type: "string",
    sensitive: true,
    nullable: false,
    description: `Action secret value; set TF_VAR_${env} at plan/apply time`,
  });
  variable.overrideLogicalId(env);
  // Ephemeral: Terraform keeps the value out of plan files and state (Terraform >= 1.10).
  variable.addOverride("ephemeral", true);
  return variable;
}

function secretsWoVersion(
  settings: Readonly<Record<string, string>>,
  secretsFromEnv: Readonly<Record<string, string>>,
  secretsVersion: number,
): number {
  // Everything that decides the values Auth0 holds, except the secret values themselves (never in
  // the synthesized JSON): the settings, which variable each secret reads, and the rotation counter.
  const sorted = (record: Readonly<Record<string, string>>) => Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
  const fingerprint = JSON.stringify({ settings: sorted(settings), secretsFromEnv: sorted(secretsFromEnv), secretsVersion });
  // 48 bits: a safe integer, and a collision between two consecutive configurations is negligible.
  return parseInt(createHash("sha256").update(fingerprint).digest("hex").slice(0, 12), 16);
}
