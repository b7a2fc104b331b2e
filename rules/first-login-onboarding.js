/**
 * On the very first login, mark the user for onboarding and remember where they signed up.
 */
function (user, context, callback) {
  if (context.stats.loginsCount > 1) {
    return callback(null, user, context);
  }
  context.idToken['https://coop.example.com/claims/first_login'] = true;
  auth0.users.updateAppMetadata(user.user_id, { onboarding: 'pending', signup_client: context.clientID, signup_country: context.request.geoip.country_code })
    .then(function () {
      callback(null, user, context);
    })
    .catch(function (err) {
      callback(err);
    });
}
