/**
 * The tenant file adopt writes: the existing file with its `flows:` set to what the tenant runs
 * (comments and every other field kept), or a new file for a tenant the repository does not know
 * yet. Legacy `post_login_flow`/`actions` are replaced by `flows` (they describe the same thing).
 */
import { UserFacingError } from "../errors";
import { isMap, parseDocument, stringify } from "yaml";
import type { FlowDoc } from "./planner";

export class AdoptTenantFileError extends UserFacingError {}

/** Whether the existing file already declares flows (adopt then refuses to replace them without --force). */
export function declaresFlows(text: string): boolean {
  const doc = parseDocument(text);
  return isMap(doc.contents) && (doc.has("flows") || doc.has("actions"));
}

export function tenantFileWithFlows(
  existing: string | undefined,
  flows: Record<string, FlowDoc>,
  fresh: { name: string; domain?: string },
  file: string,
): string {
  if (existing === undefined) {
    if (!fresh.domain)
      throw new AdoptTenantFileError(
        `${file} does not exist: pass --domain <tenant domain> to create it (e.g. --domain coop-dev.eu.auth0.com)`,
      );
    return stringify(
      {
        domain: fresh.domain,
        // Settings of the repository's claims Action, used once it is deployed (see the proposed follow-up).
        claims: {
          namespace: "",
          id_token: ["usertype", "coops", "coopnames"],
          access_token: [],
        },
        flows,
        backend: { type: "local", path: `state/${fresh.name}.tfstate` },
      },
      { lineWidth: 0 },
    );
  }
  const doc = parseDocument(existing);
  if (doc.errors.length > 0 || !isMap(doc.contents))
    throw new AdoptTenantFileError(`${file}: not a YAML mapping (${doc.errors[0]?.message ?? "empty file"}); fix it first`);
  doc.delete("post_login_flow");
  doc.delete("actions");
  doc.set("flows", doc.createNode(flows));
  return doc.toString({ lineWidth: 0 });
}
