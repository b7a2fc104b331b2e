/**
 * Remember the language the user first logged in with, from ui_locales or the browser,
 * in user_metadata; expose it to applications as a claim.
 */
function (user, context, callback) {
  user.user_metadata = user.user_metadata || {};
  if (!user.user_metadata.preferred_language) {
    const requested = (context.request.query.ui_locales || context.request.language || 'en').split(' ')[0];
    user.user_metadata.preferred_language = requested.toLowerCase();
    auth0.users.updateUserMetadata(user.user_id, user.user_metadata)
      .then(function () {
        context.idToken['https://coop.example.com/claims/lang'] = user.user_metadata.preferred_language;
        callback(null, user, context);
      })
      .catch(function (err) {
        callback(err);
      });
    return;
  }
  context.idToken['https://coop.example.com/claims/lang'] = user.user_metadata.preferred_language;
  callback(null, user, context);
}
