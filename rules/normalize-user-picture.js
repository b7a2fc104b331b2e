/** Use the cooperative's avatar service instead of the identity provider's picture. */
function (user, context, callback) {
  if (user.email) {
    user.picture = configuration.AVATAR_URL + '/' + encodeURIComponent(user.email.toLowerCase());
  }
  callback(null, user, context);
}
