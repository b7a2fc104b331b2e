/**
 * One Auth0 Action Module: shared code under actions/modules/<name>/index.ts, bundled once and
 * deployed as `auth0_action_module.<name>`, published as a new immutable version whenever its code
 * or dependencies change (the provider's `publish`). Actions pin the published version through
 * `pin` (auth0_action `modules`), so a module change reaches an Action only by re-pinning it, which
 * the plan shows on every Action that uses the module. Like Actions, the code is identical in every
 * tenant; a module holds no tenant-specific values (it has no secrets here).
 */
import { Construct } from "constructs";
import { ActionModule } from "../../.gen/providers/auth0/action-module";
import { bundleActionModule, MODULE_NAME, MODULES_DIR } from "../bundle/action-modules";
import { terraformLiteral } from "../terraform/template-escape";
import { terraformName } from "../triggers";
import { ConstructValidationError } from "./validation-error";

export interface Auth0ActionModuleProps {
  /** The module's folder under actions/modules/ and its name in Auth0: Actions `require("actions:<name>")`. */
  readonly name: string;
  /** npm packages Auth0 installs for the module, name → exact version (kept out of the bundle). */
  readonly dependencies?: Readonly<Record<string, string>>;
  /**
   * The folder holding the <name>/index.ts module folders.
   * @default the repository's actions/modules
   */
  readonly modulesRoot?: string;
}

/** What an Action needs to pin one module version (auth0_action `modules`). */
export interface ModulePin {
  readonly name: string;
  readonly moduleId: string;
  readonly moduleVersionId: string;
}

const EXACT_VERSION = /^\d+\.\d+\.\d+([-+][\w.]+)?$/;

export class Auth0ActionModule extends Construct {
  /** The underlying auth0_action_module resource. */
  readonly module: ActionModule;
  readonly name: string;
  /** The JavaScript deployed as the module's code. */
  readonly code: string;
  /** sha256 (hex) of `code`: what promotion compares. */
  readonly codeSha256: string;
  /** The published version Actions pin: a new one after every change of code or dependencies. */
  readonly pin: ModulePin;

  constructor(scope: Construct, id: string, props: Auth0ActionModuleProps) {
    super(scope, id);
    if (!MODULE_NAME.test(props.name))
      throw new ConstructValidationError(
        "MODULE_NAME_INVALID",
        this,
        `module name "${props.name}" must be a folder name under ${MODULES_DIR}/, in kebab-case`,
      );
    const dependencies = Object.entries(props.dependencies ?? {}).sort(([a], [b]) => a.localeCompare(b));
    for (const [name, version] of dependencies) {
      if (!EXACT_VERSION.test(version))
        throw new ConstructValidationError(
          "DEPENDENCY_VERSION_NOT_EXACT",
          this,
          `dependency ${name}: "${version}" must be an exact version such as 1.2.3`,
        );
    }
    const bundle = bundleActionModule(
      props.name,
      dependencies.map(([name]) => name),
      props.modulesRoot,
    );
    this.name = props.name;
    this.code = bundle.code;
    this.codeSha256 = bundle.sha256;
    this.module = new ActionModule(this, "module", {
      name: terraformLiteral(props.name, `${this.node.path}: name`),
      code: terraformLiteral(bundle.code, `${this.node.path}: code`),
      // Every change publishes a new immutable version; the draft alone is never what Actions run.
      publish: true,
      // Auth0 refuses (409) to delete a module an Action still uses. When a change drops a module and
      // its last use together, Terraform would delete the module first (nothing in the new config
      // orders the two); create_before_destroy, recorded in state, makes it update the Actions first.
      lifecycle: { createBeforeDestroy: true },
      ...(dependencies.length > 0
        ? {
            dependencies: dependencies.map(([name, version]) => ({
              name: terraformLiteral(name, `${this.node.path}: dependency name`),
              version: terraformLiteral(version, `${this.node.path}: dependency ${name}`),
            })),
          }
        : {}),
    });
    // A readable, stable address: auth0_action_module.<name> (module names are unique per tenant).
    this.module.overrideLogicalId(terraformName(props.name));
    this.pin = { name: props.name, moduleId: this.module.id, moduleVersionId: this.module.versionId };
  }
}
