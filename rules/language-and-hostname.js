/** Logins through the Swiss custom domain default to German. */
function (user, context, callback) {
  var lang = context.request.language || 'en';
  if (context.request.hostname === 'login.coop.example.ch') {
    lang = lang.indexOf('fr') === 0 ? 'fr' : 'de';
  }
  context.idToken['https://coop.example.com/lang'] = lang;
  callback(null, user, context);
}
