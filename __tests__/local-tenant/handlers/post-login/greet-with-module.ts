/** A post-login Action using the "greeting" Action Module: its claim shows which module version ran. */
import type { Event, PostLoginAPI } from "../../../../actions/types/post-login-v3";
import { greeting } from "actions:greeting";

export const onExecutePostLogin = async (event: Event, api: PostLoginAPI): Promise<void> => {
  api.idToken.setCustomClaim("https://claims.example.com/greeting", greeting(event.user.name ?? event.user.user_id));
};
