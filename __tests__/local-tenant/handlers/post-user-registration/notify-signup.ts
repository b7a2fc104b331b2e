/** Test handler: tells another system (a webhook) about the new user. */
import type { Event, PostUserRegistrationAPI } from "../../../../actions/types/post-user-registration-v2";

export const onExecutePostUserRegistration = async (event: Event, _api: PostUserRegistrationAPI): Promise<void> => {
  await fetch(event.secrets.WEBHOOK_URL, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ event: "signup", user_id: event.user.user_id, email: event.user.email, app_metadata: event.user.app_metadata }),
  });
};
