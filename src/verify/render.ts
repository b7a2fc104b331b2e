/** The verify report as Markdown: one table of declared Actions, then each finding with its fix. */
import { needsRepair, type FindingKind, type VerifyResult } from "./compare";

const TITLES: Record<FindingKind, string> = {
  missing: "missing",
  "not-in-state": "not in state",
  "never-deployed": "never deployed",
  "code-differs": "deployed code differs",
  "rolled-back": "rolled back",
  "undeployed-draft": "saved but not deployed",
  build: "build",
  unbound: "not bound",
  position: "wrong position",
  "duplicate-binding": "bound more than once",
  "undeclared-binding": "undeclared binding",
  orphan: "orphan",
  unmanaged: "unmanaged",
  "module-differs": "Action Module differs",
};

export function findingTitle(kind: FindingKind): string {
  return TITLES[kind];
}

const short = (hash: string | undefined) => (hash ? `\`${hash.slice(0, 12)}\`` : "-");

export function renderVerifyMarkdown(result: VerifyResult, tenantFile: string): string {
  const lines = [`## Verify: ${result.tenant} (${tenantFile})`, ""];
  const repairable = needsRepair(result.findings).length;
  const unmanaged = result.findings.length - repairable;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  lines.push(
    repairable === 0
      ? "**Matches**: the tenant runs exactly the code of this artifact, deployed and bound as declared." +
          (unmanaged > 0
            ? ` ${plural(unmanaged, "unmanaged Action")} share${unmanaged === 1 ? "s" : ""} a declared name: deploy leaves ${unmanaged === 1 ? "it" : "them"} alone (see below).`
            : "")
      : `**Differs**: ${plural(result.findings.length, "finding")}; \`npm run deploy -- ${result.tenant}\` repairs what it can.`,
    "",
    "| Action | Address | Action id | Deployed sha256 | Artifact sha256 | Saved draft | Build | Position |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
  );
  for (const a of result.actions) {
    lines.push(
      `| ${a.name.replace(/\|/g, "\\|")} | \`${a.address}\` | ${a.actionId ? `\`${a.actionId}\`` : "-"} | ${short(a.deployedSha256)} | ${short(a.artifactSha256)} | ${a.draftSha256 ? `${short(a.draftSha256)} not deployed` : "-"} | ${a.build ?? "-"} | ${a.position ? `${a.trigger} #${a.position}` : "-"} |`,
    );
  }
  if (result.findings.length > 0) {
    lines.push("", "### Findings", "");
    for (const f of result.findings) {
      lines.push(`- **${findingTitle(f.kind)}**${f.address ? ` \`${f.address}\`` : ""}: ${f.message}`, `  Fix: \`${f.fix}\``);
    }
  }
  return `${lines.join("\n")}\n`;
}
