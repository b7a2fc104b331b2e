/**
 * Terraform reads every string in .tf.json as a template: "${...}" and "%{...}" are
 * interpolations. JavaScript template literals use "${", so Action code must be escaped
 * ("$${" and "%%{" are Terraform's literal forms) or Terraform rejects it, or worse, evaluates it.
 */
export function escapeTerraformTemplate(text: string): string {
  // Replacer functions: in a replacement *string*, "$$" would itself mean one "$".
  return text.replace(/\$\{/g, () => "$${").replace(/%\{/g, () => "%%{");
}

/** What Terraform makes of an escaped string: the exact text the provider sends to Auth0. */
export function unescapeTerraformTemplate(text: string): string {
  return text.replace(/\$\$\{/g, () => "${").replace(/%%\{/g, () => "%{");
}
