/**
 * The tenants as the workflows need them: one row per validated tenant file. Workflows read this
 * (`npm run tenants -- --json`) instead of parsing YAML themselves, so a file that the loader
 * rejects can never reach a matrix, and the promotion order has one source.
 */
import type { Tenant } from "./load-tenants";

export interface TenantListing {
  /** The tenant and stack name (file name without extension). */
  readonly name: string;
  readonly file: string;
  readonly domain: string;
  /** Runs on a developer machine (localhost): CI plans it from empty state and never deploys it. */
  readonly local: boolean;
  readonly backend: string;
  readonly promotes_from: string | null;
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** True when the domain is this machine, with or without a port. */
export function isLocalDomain(domain: string): boolean {
  const host = domain.startsWith("[") ? domain.slice(0, domain.indexOf("]") + 1) : domain.split(":")[0];
  return LOOPBACK.has(host.toLowerCase());
}

export function listTenants(tenants: readonly Tenant[]): TenantListing[] {
  return [...tenants]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((t) => ({
      name: t.name,
      file: t.file,
      domain: t.domain,
      local: isLocalDomain(t.domain),
      backend: t.backend.type,
      promotes_from: t.promotes_from ?? null,
    }));
}

/** A plain table for people; `--json` is the machine format. */
export function renderTenantTable(rows: readonly TenantListing[]): string {
  const header = ["tenant", "domain", "backend", "promotes_from", "local"];
  const body = rows.map((r) => [r.name, r.domain, r.backend, r.promotes_from ?? "-", r.local ? "yes" : "no"]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  return (
    [header, ...body]
      .map((row) =>
        row
          .map((cell, i) => cell.padEnd(widths[i]))
          .join("  ")
          .trimEnd(),
      )
      .join("\n") + "\n"
  );
}
