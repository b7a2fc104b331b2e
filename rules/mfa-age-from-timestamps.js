/** Tell the app when the second factor was completed (seconds since the epoch). */
function (user, context, callback) {
  var mfa = context.authentication.methods.filter(function (m) { return m.name === 'mfa'; })[0];
  if (mfa) {
    context.idToken['https://coop.example.com/mfa_at'] = Math.floor(mfa.timestamp / 1000);
  }
  callback(null, user, context);
}
