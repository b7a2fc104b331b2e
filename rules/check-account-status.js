/**
 * Ask the billing service whether the account is suspended (promise-based HTTP client);
 * add the plan to the ID token for active accounts.
 */
function (user, context, callback) {
  const axios = require('axios@1.7.9');
  axios.get(configuration.BILLING_URL + '/accounts/' + encodeURIComponent(user.user_id), { params: { client: context.clientID } })
    .then(function (res) {
      if (res.data.suspended) {
        return callback(new UnauthorizedError('This account is suspended: ' + res.data.reason));
      }
      context.idToken['https://coop.example.com/claims/plan'] = res.data.plan;
      return callback(null, user, context);
    })
    .catch(function (err) {
      return callback(new UnauthorizedError('Billing service unavailable (' + err.message + ')'));
    });
}
