/**
 * Ask the entitlements service which features the user may use and put them into the access
 * token. The service answers 403 for suspended accounts: those logins are refused.
 */
async function (user, context, callback) {
  const axios = require('axios@1.7.9');
  let response;
  try {
    response = await axios.get(configuration.ENTITLEMENTS_URL + '/users/' + encodeURIComponent(user.user_id));
  } catch (err) {
    if (err.response && err.response.status === 403) {
      return callback(new UnauthorizedError('Your account is suspended.'));
    }
    return callback(new Error('Entitlements service unavailable'));
  }
  context.accessToken['https://coop.example.com/features'] = response.data.features;
  callback(null, user, context);
}
