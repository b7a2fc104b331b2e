/** Members of a dissolved cooperative are told where to go. */
function (user, context, callback) {
  var coop = String((user.app_metadata || {}).coop || '');
  if (coop === 'dissolved-south') {
    return callback(new UnauthorizedError('Your cooperative ' + coop + ' was dissolved; contact ' + configuration.SUPPORT_EMAIL));
  }
  callback(null, user, context);
}
