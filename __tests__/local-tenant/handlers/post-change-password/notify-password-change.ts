/** Test handler: tells another system (a webhook) that a password changed, so it can end its sessions. */
import type { Event, PostChangePasswordAPI } from "../../../../actions/types/post-change-password-v2";

export const onExecutePostChangePassword = async (event: Event, _api: PostChangePasswordAPI): Promise<void> => {
  await fetch(event.secrets.WEBHOOK_URL, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ event: "password-changed", user_id: event.user.user_id, connection: event.connection.name }),
  });
};
