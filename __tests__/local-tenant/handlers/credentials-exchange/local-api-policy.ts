/** Test handler: the local API hands out no "admin" scope to machines. */
import type { CredentialsExchangeAPI, Event } from "../../../../actions/types/credentials-exchange-v2";

export const onExecuteCredentialsExchange = async (event: Event, api: CredentialsExchangeAPI): Promise<void> => {
  if (event.resource_server.identifier !== "https://api.local.example/") return;
  if (event.transaction?.requested_scopes.includes("admin")) api.access.deny("invalid_scope", "machines get no admin scope");
};
