/** Ask for feedback on the third login, and tell new users apart. */
function (user, context, callback) {
  var count = context.stats.loginsCount;
  context.idToken['https://coop.example.com/new_user'] = count <= 1;
  if (count === 3) {
    context.idToken['https://coop.example.com/survey'] = 'onboarding-2026';
  }
  callback(null, user, context);
}
