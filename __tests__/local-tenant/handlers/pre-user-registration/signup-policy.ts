/** Test handler: refuses disposable email domains; every new user starts as a "member". */
import type { Event, PreUserRegistrationAPI } from "../../../../actions/types/pre-user-registration-v2";

export const onExecutePreUserRegistration = async (event: Event, api: PreUserRegistrationAPI): Promise<void> => {
  if ((event.user.email ?? "").endsWith("@mailinator.com")) {
    api.access.deny(`disposable email domain: ${event.user.email}`, "Please sign up with your work email.");
    return;
  }
  api.user.setAppMetadata("usertype", "member");
};
