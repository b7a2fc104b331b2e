/**
 * Send users who have not accepted the current terms to the consent page; when they come
 * back (redirect-callback), record the acceptance and continue the login.
 */
function (user, context, callback) {
  const TERMS_VERSION = '2026-09';

  if (context.protocol === 'redirect-callback') {
    if (context.request.query.accepted !== 'yes') {
      return callback(new UnauthorizedError('The terms of use must be accepted.'));
    }
    user.app_metadata.terms_version = TERMS_VERSION;
    auth0.users.updateAppMetadata(user.user_id, user.app_metadata)
      .then(function () {
        callback(null, user, context);
      })
      .catch(function (err) {
        callback(err);
      });
    return;
  }

  if (context.protocol === 'oauth2-refresh-token') {
    return callback(null, user, context);
  }
  if (user.app_metadata.terms_version !== TERMS_VERSION) {
    context.redirect = {
      url: configuration.TERMS_URL + '?version=' + TERMS_VERSION + '&client_id=' + encodeURIComponent(context.clientID)
    };
  }
  callback(null, user, context);
}
