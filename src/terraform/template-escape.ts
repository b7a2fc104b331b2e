/**
 * Terraform's template rules for the synthesized JSON, in one place.
 *
 * Terraform reads every string of a .tf.json file outside the `terraform` block as a template:
 * "${...}" is an interpolation and "%{...}" a directive, evaluated at plan time. A name such as
 * `${file("/etc/hostname")}` written as is would put a runner's file into the plan. "$${" and
 * "%%{" are Terraform's literal forms (a "${" preceded by "$", or "%{" preceded by "%", is literal
 * text), so every literal string goes through `terraformLiteral`, and TenantStack refuses, at
 * synth, any string that still holds a live template other than the references the stack makes.
 */
import { Token } from "cdktf";
import { UserFacingError } from "../errors";

/**
 * Text escaped for a Terraform template ("${" → "$${", "%{" → "%%{"). Prefer `terraformLiteral`,
 * which also refuses text that CDK for Terraform would read as a reference.
 */
export function escapeTerraformTemplate(text: string): string {
  // Replacer functions: in a replacement *string*, "$$" would itself mean one "$".
  return text.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}

/** What Terraform makes of an escaped string: the exact text the provider sends to Auth0. */
export function unescapeTerraformTemplate(text: string): string {
  return text.replace(/\$\$\{/g, () => "${").replace(/%%\{/g, () => "%{");
}

/**
 * A literal string attribute (a name, a display name, a setting, an import id, the code) as
 * Terraform JSON that Terraform reads back byte for byte. Escape once, where the attribute is set:
 * escaping escaped text would change it ("$${" would read back as "$${", not "${").
 */
export function terraformLiteral(text: string, what = "a literal value"): string {
  // CDK for Terraform replaces its token markers ("${TfToken[...]}") anywhere in a string at synth,
  // escaped or not: such text would silently become a reference. A reference is never a literal.
  if (Token.isUnresolved(text)) {
    throw new UserFacingError(
      `${what}: ${JSON.stringify(text)} contains "\${TfToken[", "#{TfToken[" or "&{TfToken[", which CDK for Terraform reserves for references; choose other text`,
    );
  }
  return escapeTerraformTemplate(text);
}

/** A "${" that Terraform evaluates: not preceded by "$" (then it is the literal form "$${"). */
const LIVE_INTERPOLATION = /(?<!\$)\$\{/;
/** A "%{" that Terraform evaluates: not preceded by "%". */
const LIVE_DIRECTIVE = /(?<!%)%\{/;
/**
 * The only templates a stack writes itself, each as a whole string: a variable (Action secrets
 * from TF_VAR_*), a resource's id (bindings), the hash of an Action's code (the promotion output).
 */
const GENERATED_REFERENCE = new RegExp(
  [
    String.raw`\$\{var\.[A-Za-z_][A-Za-z0-9_]*\}`,
    String.raw`\$\{auth0_[a-z_]+\.[a-z0-9_]+\.id\}`,
    // An Action's pin to the module version its module resource published.
    String.raw`\$\{auth0_action_module\.[a-z0-9_]+\.version_id\}`,
    String.raw`\$\{sha256\((auth0_action|auth0_action_module)\.[a-z0-9_]+\.code\)\}`,
  ]
    .map((alternative) => `^${alternative}$`)
    .join("|"),
);
/**
 * Terraform reads the top-level `terraform` block verbatim, never as templates (backend and cloud
 * settings: a local backend path "a$${x}.tfstate" names that very file), and ignores "//" keys.
 */
const VERBATIM_BLOCK = "terraform";
const COMMENT_KEY = "//";

export class UnescapedTemplateError extends UserFacingError {}

/**
 * Throws when a string of synthesized Terraform JSON (keys included) holds a live "${" or "%{"
 * other than a reference the stack generates: an attribute set without `terraformLiteral`.
 * The message names the JSON path, e.g. resource.auth0_action.x.name.
 */
export function assertNoLiveTemplates(json: unknown, stackName: string): void {
  const check = (text: string, path: string) => {
    if (GENERATED_REFERENCE.test(text)) return;
    if (LIVE_INTERPOLATION.test(text) || LIVE_DIRECTIVE.test(text)) {
      throw new UnescapedTemplateError(
        `stack ${stackName}: ${path} = ${JSON.stringify(text)} holds a Terraform template ("\${" or "%{") that Terraform would evaluate at plan time; ` +
          "set the attribute through terraformLiteral() (src/terraform/template-escape.ts), or, for a new kind of reference the stack makes, add it to GENERATED_REFERENCE there",
      );
    }
  };
  const walk = (value: unknown, path: string): void => {
    if (typeof value === "string") return check(value, path);
    if (Array.isArray(value)) return value.forEach((item, index) => walk(item, `${path}[${index}]`));
    if (value === null || typeof value !== "object") return;
    for (const [key, child] of Object.entries(value)) {
      if (key === COMMENT_KEY || (path === "" && key === VERBATIM_BLOCK)) continue;
      const childPath = path === "" ? key : `${path}.${key}`;
      check(key, childPath);
      walk(child, childPath);
    }
  };
  walk(json, "");
}
