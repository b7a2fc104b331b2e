/**
 * Link a new social login to an existing database account with the same verified email.
 * Uses the Management API on other users: an Action cannot do this through api.*.
 */
function (user, context, callback) {
  const request = require('request@2.88.2');
  if (!user.email || !user.email_verified) {
    return callback(null, user, context);
  }
  auth0.users.getUsersByEmail(user.email)
    .then(function (users) {
      const primary = users.find(function (u) { return u.user_id !== user.user_id && u.identities[0].provider === 'auth0'; });
      if (!primary) {
        return callback(null, user, context);
      }
      request.post({
        url: auth0.baseUrl + '/users/' + primary.user_id + '/identities',
        headers: { Authorization: 'Bearer ' + auth0.accessToken },
        json: { provider: user.identities[0].provider, user_id: user.identities[0].user_id }
      }, function (err, response) {
        if (err || response.statusCode >= 400) {
          return callback(new Error('Could not link the accounts'));
        }
        context.primaryUser = primary.user_id;
        callback(null, user, context);
      });
    })
    .catch(function (err) {
      callback(err);
    });
}
