/** The back office accepts company accounts only. */
function (user, context, callback) {
  var social = ['google-oauth2', 'facebook', 'apple', 'github'];
  if (context.clientName === 'Back Office' && social.indexOf(context.connectionStrategy) !== -1) {
    return callback(new UnauthorizedError('Use your company account (' + context.connection + ' is not allowed).'));
  }
  callback(null, user, context);
}
