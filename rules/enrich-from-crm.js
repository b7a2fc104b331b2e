/**
 * Look the user up in the CRM and add the customer tier and account manager to the ID token.
 * Unknown customers log in without the claims; a CRM failure stops the login.
 */
function (user, context, callback) {
  const request = require('request@2.88.2');

  request.get({
    url: configuration.CRM_URL + '/customers',
    qs: { email: user.email },
    headers: { Authorization: 'Bearer ' + configuration.CRM_API_TOKEN },
    json: true
  }, function (err, response, body) {
    if (err) {
      return callback(err);
    }
    if (response.statusCode === 404) {
      return callback(null, user, context);
    }
    if (response.statusCode !== 200) {
      return callback(new Error('CRM lookup failed with status ' + response.statusCode));
    }
    context.idToken['https://coop.example.com/claims/tier'] = body.tier;
    context.idToken['https://coop.example.com/claims/account_manager'] = body.accountManager && body.accountManager.name;
    callback(null, user, context);
  });
}
