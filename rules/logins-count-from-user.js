/** Welcome back users who have not logged in often. */
function (user, context, callback) {
  if (user.logins_count < 5) {
    context.idToken['https://coop.example.com/show_tour'] = true;
  }
  callback(null, user, context);
}
