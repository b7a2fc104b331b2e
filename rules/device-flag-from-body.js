/** The shop's login form posts device=kiosk from shared terminals: no remembered browser there. */
function (user, context, callback) {
  var body = context.request.body || {};
  if (body.device === 'kiosk') {
    context.idToken['https://coop.example.com/shared_device'] = true;
    context.multifactor = { provider: 'any', allowRememberBrowser: false };
  }
  callback(null, user, context);
}
