/** Users may choose the name applications show. */
function (user, context, callback) {
  var chosen = user.user_metadata && user.user_metadata.display_name;
  if (chosen) {
    user.name = chosen;
    user.nickname = chosen.split(' ')[0];
  }
  callback(null, user, context);
}
