/** Duo for the treasury app, identifying users by email; the browser may be remembered. */
function (user, context, callback) {
  if (context.clientName === 'Treasury') {
    context.multifactor = {
      provider: 'duo',
      ikey: configuration.DUO_IKEY,
      skey: configuration.DUO_SKEY,
      host: configuration.DUO_HOST,
      username: user.email,
      allowRememberBrowser: true
    };
  }
  callback(null, user, context);
}
