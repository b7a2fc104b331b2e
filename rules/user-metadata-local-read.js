/** Defaults for the claims, computed on a working copy of app_metadata. */
function (user, context, callback) {
  user.app_metadata = user.app_metadata || {};
  user.app_metadata.plan = user.app_metadata.plan || 'basic';
  context.idToken['https://coop.example.com/plan'] = user.app_metadata.plan;
  callback(null, user, context);
}
