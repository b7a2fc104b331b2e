/**
 * Links each new user to their CRM record under the full Auth0 user id. As Auth0's
 * post-user-registration starter code documents, `user.id` is the id without the "auth0|"
 * database prefix, so the Hook puts the prefix back before calling the CRM.
 */
module.exports = function (user, context, cb) {
  const request = require('request@2.88.2');
  const auth0UserId = 'auth0|' + user.id;
  request.put({
    url: 'https://crm.example.com/api/users/' + encodeURIComponent(auth0UserId),
    json: { email: user.email, connection: context.connection.name },
    headers: { Authorization: 'Bearer ' + context.webtask.secrets.CRM_API_KEY }
  }, function (err, response) {
    if (err) return cb(err);
    if (response.statusCode >= 400) return cb(new Error('CRM answered ' + response.statusCode));
    cb();
  });
};
