/** The text `npm run parity` prints: one line per fixture, the differences under it, a total. */
import type { ParityReport } from "./run-parity";

export function formatParityReport(report: ParityReport, heading: string): string {
  const lines = [heading];
  for (const r of report.results) {
    const verdict = r.rule?.result === "denied" ? `denied: ${r.rule.denyReason ?? ""}` : (r.rule?.result ?? "no result");
    const entry = r.entryPoint === "onContinuePostLogin" ? ", after the redirect" : "";
    if (r.errors.length > 0) {
      lines.push(`  ERROR      ${r.fixture}${entry ? ` (${entry.slice(2)})` : ""}`);
      lines.push(...r.errors.map((e) => `             ${e}`));
    } else if (r.differences.length === 0) {
      lines.push(`  same       ${r.fixture} (${verdict}${entry})`);
    } else {
      lines.push(`  DIFFERENT  ${r.fixture}${entry ? ` (${entry.slice(2)})` : ""}`);
      lines.push(...r.differences.map((d) => `             ${d}`));
    }
  }
  const different = report.results.filter((r) => r.differences.length > 0).length;
  const errors = report.errored > 0 ? `, ${report.errored} with an error (no verdict: exit 3)` : "";
  lines.push(
    `${report.results.length} fixture(s): ${report.results.length - different - report.errored} the same, ${different} different${errors}`,
  );
  return lines.join("\n");
}
