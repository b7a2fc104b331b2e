/**
 * credentials-exchange Action "M2M claims": gives machine-to-machine access tokens the claims the
 * claims Action gives people, under the same names, so an API authorizes both from one claim:
 *   /usertype  the client's metadata "usertype", or "machine" when the client has none;
 *   /coops     the client's metadata "coops" (comma-separated, as client metadata values are strings), as a list.
 * It never denies: a token request must not fail because a client's metadata is odd.
 */
import type { CredentialsExchangeAPI, Event } from "../types/credentials-exchange-v2";
import { claimName, droppedClaimReason } from "../lib/claim-rules";

/** The namespace of the claims Action's tenants ("": claims named /usertype, as the Rule named them). */
const NAMESPACE = "";

export const onExecuteCredentialsExchange = async (event: Event, api: CredentialsExchangeAPI): Promise<void> => {
  const metadata = event?.client?.metadata ?? {};
  const usertype = typeof metadata.usertype === "string" && metadata.usertype.trim() !== "" ? metadata.usertype.trim() : "machine";
  setClaim(api, "usertype", usertype);
  if (typeof metadata.coops === "string" && metadata.coops.trim() !== "") {
    setClaim(
      api,
      "coops",
      metadata.coops
        .split(",")
        .map((c) => c.trim())
        .filter((c) => c !== ""),
    );
  }
};

function setClaim(api: CredentialsExchangeAPI, field: string, value: unknown): void {
  const name = claimName(NAMESPACE, field);
  // Auth0 would drop it silently; not setting it keeps the Action's intent visible in code review.
  if (droppedClaimReason(name) === undefined) api.accessToken.setCustomClaim(name, value);
}
