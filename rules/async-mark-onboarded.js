/** Mark users as onboarded on their first login to the portal, and say so in the ID token. */
async function markOnboarded(user, context, callback) {
  user.app_metadata = user.app_metadata || {};
  if (context.clientName !== 'Coop Portal' || user.app_metadata.onboarded) {
    return callback(null, user, context);
  }
  user.app_metadata.onboarded = true;
  user.app_metadata.onboarded_via = context.clientID;
  await auth0.users.updateAppMetadata(user.user_id, user.app_metadata);
  context.idToken['https://coop.example.com/first_visit'] = true;
  callback(null, user, context);
}
