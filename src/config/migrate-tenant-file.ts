/**
 * Rewrites a tenant file from the legacy post-login fields (`post_login_flow`, `actions`) to the
 * `flows` shape, through yaml's Document API so comments and layout survive:
 *
 *   post_login_flow: append          flows:
 *   actions:                   →       post-login:
 *     - handler: fraud-check             mode: append
 *                                        actions:
 *                                          - handler: add-metadata-claims
 *                                          - handler: fraud-check
 *
 * The result is what the loader normalises the legacy file to, so the stacks do not change.
 */
import { isMap, isScalar, isSeq, parseDocument, Scalar, YAMLMap, YAMLSeq, type Pair } from "yaml";
import { CLAIMS_HANDLER } from "./tenant-schema";
import { POST_LOGIN } from "../triggers";
import { UserFacingError } from "../errors";

export type MigrationResult = { changed: true; text: string } | { changed: false; reason: string };

export class TenantMigrationError extends UserFacingError {}

const keyOf = (pair: Pair) => (isScalar(pair.key) ? pair.key.value : pair.key);

export function migrateTenantText(text: string, file = "tenant file"): MigrationResult {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new TenantMigrationError(`${file}: not valid YAML: ${doc.errors[0].message.split("\n")[0]}`);
  if (!isMap(doc.contents)) throw new TenantMigrationError(`${file}: a tenant file is a mapping (domain:, claims:, ...)`);
  const root = doc.contents as YAMLMap;
  const modePair = root.items.find((p) => keyOf(p) === "post_login_flow");
  const actionsPair = root.items.find((p) => keyOf(p) === "actions");
  if (root.has("flows")) {
    if (modePair || actionsPair)
      throw new TenantMigrationError(
        `${file}: has both flows and legacy post_login_flow/actions; move the legacy entries into flows.${POST_LOGIN} by hand`,
      );
    return { changed: false, reason: "already uses flows" };
  }

  const mode = modePair?.value ?? new Scalar("append");
  let actions: YAMLSeq;
  if (actionsPair && isSeq(actionsPair.value)) actions = actionsPair.value;
  else if (actionsPair && actionsPair.value !== null && !(isScalar(actionsPair.value) && actionsPair.value.value === null)) {
    throw new TenantMigrationError(`${file}: actions: must be a list`);
  } else actions = new YAMLSeq();
  // The legacy shape bound the claims Action first, implicitly: the flows shape lists it. A comment
  // above the first legacy entry stays with that entry, not with the inserted one.
  const firstLegacy = actions.items[0];
  if (actions.commentBefore && firstLegacy && (isMap(firstLegacy) || isScalar(firstLegacy))) {
    firstLegacy.commentBefore = [actions.commentBefore, firstLegacy.commentBefore].filter(Boolean).join("\n");
    actions.commentBefore = undefined;
  }
  actions.items.unshift(doc.createNode({ handler: CLAIMS_HANDLER }));
  actions.flow = false;

  const flow = new YAMLMap();
  flow.set("mode", mode);
  flow.set("actions", actions);
  const flows = new YAMLMap();
  flows.set(POST_LOGIN, flow);
  const flowsKey = new Scalar("flows");
  // Comments written above (or beside) the legacy keys now describe the flow.
  const comments = [modePair, actionsPair]
    .map((p) => (p && isScalar(p.key) ? p.key.commentBefore : undefined))
    .filter((c): c is string => !!c);
  if (comments.length > 0) flowsKey.commentBefore = comments.join("\n");

  const first = Math.min(...[modePair, actionsPair].filter((p): p is Pair => !!p).map((p) => root.items.indexOf(p)), Infinity);
  const at = Number.isFinite(first) ? first : root.items.findIndex((p) => keyOf(p) === "claims") + 1 || root.items.length;
  root.items = root.items.filter((p) => p !== modePair && p !== actionsPair);
  root.items.splice(Math.min(at, root.items.length), 0, doc.createPair(flowsKey, flows));
  return { changed: true, text: doc.toString({ flowCollectionPadding: false }) };
}
