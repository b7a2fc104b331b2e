/** Unverified users are not let in. (The author forgot to call callback: the login timed out.) */
function (user, context, callback) {
  if (!user.email_verified) {
    console.log('unverified user ' + user.user_id);
    return;
  }
  context.idToken['https://coop.example.com/verified'] = true;
  callback(null, user, context);
}
