/**
 * What a tenant file's adoption fields do to a synthesized stack (the escape hatch on the
 * generated resources, so the Action construct stays unaware of adoption):
 *   - `import_id`: a Terraform `import` block for auth0_action.<handler>; while it is set the
 *     tenant keeps its deployment and secret values: `lifecycle.ignore_changes = [deploy]` (the
 *     provider reads no `deploy` back on import) and no `secrets_wo` (write-only values cannot be
 *     compared; sending them would be an update). Remove `import_id` to take full ownership.
 *   - `adopted_code`, or a handler that exists only as `.js` (adopted deployed code): the file is
 *     deployed byte for byte, never re-bundled, so the first plan shows no code change.
 *   - `runtime`: the Action's Node runtime (default node22).
 *   - `display_name`: the binding's display name (append flows: adopt writes append flows).
 *   - flow `import_bindings`: import blocks for the flow's bindings (append: `<trigger>::<action id>`
 *     per auth0_trigger_action; authoritative: `<trigger>` for auth0_trigger_actions).
 * Resources are found by the addresses the stack gives them: auth0_action.<handler with _>,
 * <trigger with _>_binding_<index> (append) and <trigger with _>_flow (authoritative).
 */
import { TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Action } from "../../.gen/providers/auth0/action";
import { TriggerAction } from "../../.gen/providers/auth0/trigger-action";
import { TriggerActions } from "../../.gen/providers/auth0/trigger-actions";
import { MAX_ACTION_CODE_BYTES } from "../bundle/bundle-action";
import { REPO_ROOT } from "../paths";
import { terraformLiteral } from "../terraform/template-escape";
import { ConstructValidationError } from "../constructs/validation-error";

export interface AdoptionEntry {
  readonly handler: string;
  readonly import_id?: string;
  readonly adopted_code?: string;
  readonly display_name?: string;
  readonly runtime?: string;
  readonly secrets?: Readonly<Record<string, { readonly env: string }>>;
}

export interface AdoptionFlow {
  readonly mode: "append" | "authoritative";
  readonly import_bindings?: boolean;
  readonly actions: readonly AdoptionEntry[];
}

const tfName = (s: string) => s.replace(/-/g, "_");

/**
 * Code deployed verbatim for an entry, or undefined when the handler's bundle is deployed.
 * `scope`: the entry's Auth0Action, `where`: the entry in the tenant file (flows.<trigger>.actions[<index>]).
 */
export function verbatimCode(
  scope: IConstruct,
  where: string,
  trigger: string,
  entry: AdoptionEntry,
  root = REPO_ROOT,
): { file: string; code: string } | undefined {
  const file =
    entry.adopted_code ??
    (existsSync(join(root, `actions/${trigger}/${entry.handler}.ts`)) ? undefined : `actions/${trigger}/${entry.handler}.js`);
  if (file === undefined || !existsSync(join(root, file))) {
    if (entry.adopted_code !== undefined)
      throw new ConstructValidationError(
        "ADOPTED_CODE_MISSING",
        scope,
        `${where}.adopted_code: ${entry.adopted_code} does not exist; run npm run adopt again or remove the field`,
      );
    return undefined;
  }
  const code = readFileSync(join(root, file), "utf8");
  if (Buffer.byteLength(code) > MAX_ACTION_CODE_BYTES)
    throw new ConstructValidationError(
      "ACTION_CODE_TOO_LARGE",
      scope,
      `${entry.adopted_code !== undefined ? `${where}.adopted_code: ` : ""}${file}: ${Buffer.byteLength(code)} bytes; Auth0 accepts about ${MAX_ACTION_CODE_BYTES}`,
    );
  return { file, code };
}

export function applyAdoption(stack: TerraformStack, flows: Readonly<Record<string, AdoptionFlow | undefined>>, root = REPO_ROOT): void {
  const resources = stack.node.findAll();
  const actionFor = (handler: string) => resources.find((c): c is Action => c instanceof Action && c.friendlyUniqueId === tfName(handler));
  for (const [trigger, flow] of Object.entries(flows)) {
    if (!flow) continue;
    flow.actions.forEach((entry, index) => {
      const where = `flows.${trigger}.actions[${index}]`;
      const action = actionFor(entry.handler);
      if (!action)
        throw new ConstructValidationError(
          "ADOPTED_ACTION_MISSING",
          stack,
          `${where}: no auth0_action.${tfName(entry.handler)} in stack ${stack.node.id}`,
        );
      // Errors name the Auth0Action the resource belongs to (dev/<handler>), as the construct's own do.
      const verbatim = verbatimCode(action.node.scope ?? action, where, trigger, entry, root);
      // Import ids and display names are evaluated as templates like any attribute: escaped text only.
      if (verbatim) action.code = terraformLiteral(verbatim.code, `${verbatim.file}`);
      if (entry.runtime) action.runtime = entry.runtime;
      if (entry.import_id) {
        action.importFrom(terraformLiteral(entry.import_id, `${where}.import_id`));
        action.resetSecretsWo();
        action.resetSecretsWoVersion();
        action.lifecycle = { ignoreChanges: ["deploy"] };
      }
      if (flow.mode === "append") {
        const binding = resources.find(
          (c): c is TriggerAction => c instanceof TriggerAction && c.friendlyUniqueId === `${tfName(trigger)}_binding_${index}`,
        );
        if (binding && entry.display_name) binding.displayName = terraformLiteral(entry.display_name, `${where}.display_name`);
        if (binding && flow.import_bindings && entry.import_id)
          binding.importFrom(terraformLiteral(`${trigger}::${entry.import_id}`, `${where}.import_id`));
      }
    });
    if (flow.mode === "authoritative") {
      const all = resources.find(
        (c): c is TriggerActions => c instanceof TriggerActions && c.friendlyUniqueId === `${tfName(trigger)}_flow`,
      );
      if (all && flow.import_bindings) all.importFrom(terraformLiteral(trigger, `flows.${trigger}`));
    }
  }
  // The secret variables only imported Actions would read are unused while they are imported, and
  // Terraform asks for every declared variable: drop them until import_id is removed.
  const entries = Object.values(flows).flatMap((f) => f?.actions ?? []);
  const stillRead = new Set(entries.filter((e) => !e.import_id).flatMap((e) => Object.values(e.secrets ?? {}).map((s) => s.env)));
  for (const env of new Set(entries.filter((e) => e.import_id).flatMap((e) => Object.values(e.secrets ?? {}).map((s) => s.env)))) {
    if (!stillRead.has(env)) stack.node.tryRemoveChild(`secret-${env}`);
  }
}
