/**
 * Keep a login counter and the last application used in app_metadata, and tell the
 * applications how many times the user logged in.
 */
function (user, context, callback) {
  user.app_metadata = user.app_metadata || {};
  user.app_metadata.login_count = (user.app_metadata.login_count || 0) + 1;
  user.app_metadata.last_client = context.clientName;

  auth0.users.updateAppMetadata(user.user_id, user.app_metadata)
    .then(function () {
      context.idToken['https://coop.example.com/claims/login_count'] = user.app_metadata.login_count;
      callback(null, user, context);
    })
    .catch(function (err) {
      callback(err);
    });
}
