/**
 * The npm modules the Rules runtime provided without a version, and the version a bare
 * `require('name')` got there. Actions install exactly the versions an Action declares, so a
 * converted Rule needs one; this table is the default, `--dependency name@x.y.z` overrides it,
 * and the migration report says which version was assumed.
 *
 * Source: Auth0's documentation of the Rules sandbox modules, "Node.js Modules Available in Rules
 * and Custom Database Connections" (auth0.com/docs/appliance/modules; auth0/docs
 * articles/appliance/modules.md), which lists each module with a version range. Auth0's Rules
 * environment notes ("Rules Environment Best Practices") say a require without a version took the
 * first version of the internal list. Each range is resolved to the exact version npm installs for
 * it, checked with `npm view <name>@<range> version` when this table was written. Modules the page
 * lists under another name are keyed by the name a Rule passes to require().
 */
export interface RulesModule {
  /** The exact version a bare require() is assumed to have received. */
  readonly version: string;
  /** The range Auth0's page lists, for the report. */
  readonly documented: string;
}

export const RULES_MODULE_VERSIONS: Readonly<Record<string, RulesModule>> = {
  async: { version: "0.9.2", documented: "~0.9.0" },
  bcrypt: { version: "0.8.7", documented: "~0.8.3" },
  jsonwebtoken: { version: "0.4.1", documented: "~0.4.1" },
  knex: { version: "0.6.9", documented: "~0.6.3" },
  lodash: { version: "2.4.2", documented: "~2.4.1" },
  mongodb: { version: "1.3.23", documented: "~1.3.15" },
  mysql: { version: "2.0.1", documented: "~2.0.0-alpha8" },
  pg: { version: "4.1.1", documented: "4.1.1" },
  q: { version: "1.0.1", documented: "~1.0.1" },
  request: { version: "2.27.0", documented: "~2.27.0" },
  tedious: { version: "0.1.5", documented: "~0.1.4" },
  uuid: { version: "2.0.3", documented: "~2.0.1" },
  xml2js: { version: "0.2.8", documented: "~0.2.8" },
  xmldom: { version: "0.1.31", documented: "~0.1.13" },
  xpath: { version: "0.0.5", documented: "0.0.5" },
  xtend: { version: "1.0.3", documented: "~1.0.3" },
};
