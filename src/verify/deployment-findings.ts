/**
 * What plan review and drift add from verify: Terraform's provider reads an Action's saved draft,
 * not its deployed version, and knows nothing of Actions outside the state, so neither a plan nor
 * a refresh-only plan shows a saved-but-undeployed draft or an orphan. This reads them from the
 * Management API and renders a Markdown section with the fixing command.
 */
import { UserFacingError } from "../errors";
import type { TenantSession } from "../terraform/session";
import type { Finding } from "./compare";
import { findingTitle } from "./render";
import { verifyOnce, type VerifyOptions } from "./run-verify";

/**
 * The findings a plan cannot show, or shows without the why: the provider does not report an Action's build
 * status or its reason, and a roll-back looks like any code change.
 */
const UNSEEN_BY_TERRAFORM = new Set<Finding["kind"]>(["undeployed-draft", "build", "orphan", "unmanaged", "rolled-back"]);

export type DeploymentCheck = { findings: Finding[]; markdown: string } | { error: string; markdown: string };

/** Reads them on `session` (the Action ids of its last plan: no second init, no second state read). */
export async function deploymentFindings(session: TenantSession, options: Omit<VerifyOptions, "selection">): Promise<DeploymentCheck> {
  try {
    const result = await verifyOnce(session, options);
    const findings = result.findings.filter((f) => UNSEEN_BY_TERRAFORM.has(f.kind));
    return { findings, markdown: renderSection(findings) };
  } catch (error) {
    if (!(error instanceof UserFacingError)) throw error;
    return {
      error: error.message,
      markdown: `\n### Deployed versions\n\nCould not read the tenant's deployed versions: ${error.message.split("\n")[0]}\n`,
    };
  }
}

const SECTION_NAMES: Partial<Record<Finding["kind"], string>> = {
  "undeployed-draft": "saved but not deployed",
  build: "builds failed or pending",
  orphan: "orphans",
  "rolled-back": "rolled back",
};

function renderSection(findings: readonly Finding[]): string {
  const repairable = findings.filter((f) => f.kind !== "unmanaged");
  const unmanaged = findings.filter((f) => f.kind === "unmanaged");
  const lines = [""];
  const rolledBack = findings.filter((f) => f.kind === "rolled-back");
  if (rolledBack.length > 0) {
    // Said first and as a caution: applying this plan would silently put back the code someone rolled back from.
    lines.push(
      "### Rolled back: applying this plan undoes the roll-back",
      "",
      "> [!CAUTION]",
      "> The tenant runs an earlier version, redeployed by a roll-back. This plan deploys the code it was rolled back from. Merge the revert branch first, unless undoing the roll-back is what you mean.",
      "",
    );
  }
  if (repairable.length === 0) {
    lines.push("### Deployed versions", "", "Every managed Action's saved code is deployed; no orphan Action shares a declared name.");
  } else {
    lines.push(
      `### Deployed versions: ${[...new Set(repairable.map((f) => SECTION_NAMES[f.kind]))].join(", ")}`,
      "",
      "Terraform does not see these (its provider reads drafts, not builds, and only Actions in state):",
      "",
    );
    for (const f of repairable)
      lines.push(`- **${findingTitle(f.kind)}**${f.address ? ` \`${f.address}\`` : ""}: ${f.message}`, `  Fix: \`${f.fix}\``);
  }
  if (unmanaged.length > 0) {
    lines.push(
      "",
      "### Unmanaged Actions sharing a declared name",
      "",
      "> [!WARNING]",
      "> This repository did not create these (their code is not this artifact's, or something binds them): deploy leaves them and their bindings alone. Adopt each one, or delete it explicitly.",
      "",
    );
    for (const f of unmanaged) lines.push(`- **unmanaged** \`${f.address}\`: ${f.message}`, `  Fix: \`${f.fix}\``);
  }
  return `${lines.join("\n")}\n`;
}
