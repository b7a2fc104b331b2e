/**
 * What one Terraform run ended with: the runner returns it and TerraformError carries it, so it
 * lives apart from both.
 */
export interface TerraformResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The signal that ended Terraform, when it was killed. */
  signal?: NodeJS.Signals;
}
