/**
 * Step up to Guardian MFA when the login comes from a country outside the usual ones.
 */
function (user, context, callback) {
  var usual = ['DE', 'AT', 'CH', 'FR'];
  var country = context.request.geoip && context.request.geoip.country_code;
  if (!country || usual.indexOf(country) === -1) {
    context.multifactor = { provider: 'guardian', allowRememberBrowser: true };
    context.idToken['https://coop.example.com/claims/login_country'] = country || 'unknown';
  }
  callback(null, user, context);
}
