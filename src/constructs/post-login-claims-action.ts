/**
 * The post-login Action that replaces the Rule "Add metadata to user profile": copies the
 * configured app_metadata fields into ID-token (and optionally access-token) claims.
 * Validates its props here, so a construct used outside tenant files fails just as clearly.
 */
import { Annotations } from "cdktf";
import { Construct } from "constructs";
import { CLAIMS_HANDLER, claimsSchema, type ClaimsConfig } from "../config/tenant-schema";
import { CLAIMS_CONFIG_SECRET, type ClaimsSettings } from "../../actions/post-login/add-metadata-claims";
import { PostLoginAction } from "./post-login-action";

export interface PostLoginClaimsActionProps {
  /** Namespace and fields, as in a tenant file's `claims` section. */
  readonly claims: ClaimsConfig;
  /** Default: the Rule's name, "Add metadata to user profile", so the dashboard reads the same. */
  readonly name?: string;
}

export const DEFAULT_CLAIMS_ACTION_NAME = "Add metadata to user profile";

export class PostLoginClaimsAction extends PostLoginAction {
  constructor(scope: Construct, id: string, props: PostLoginClaimsActionProps) {
    const parsed = claimsSchema.safeParse(props.claims);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new Error(`PostLoginClaimsAction ${id}: claims.${first.path.join(".")}: ${first.message}`);
    }
    const claims = parsed.data;
    super(scope, id, {
      handler: CLAIMS_HANDLER,
      name: props.name ?? DEFAULT_CLAIMS_ACTION_NAME,
      settings: { [CLAIMS_CONFIG_SECRET]: claimsSecretValue(claims) },
    });
    if (claims.namespace === "") {
      Annotations.of(this).addWarning(
        'claims.namespace is "": claims are named /usertype etc. as the Rule named them. Tenants still on the legacy ' +
          '"namespaced claims only" setting drop them silently; a URL namespace you control is recommended.',
      );
    }
  }
}

/** The CLAIMS_CONFIG secret the handler reads: compact JSON with a fixed key order. */
export function claimsSecretValue(claims: ClaimsConfig): string {
  const settings: ClaimsSettings = { namespace: claims.namespace, id_token: claims.id_token, access_token: claims.access_token };
  return JSON.stringify(settings);
}
