/**
 * The trading desk application is closed on weekends (in the desk's time zone).
 * Other applications are not affected.
 */
function (user, context, callback) {
  if (context.clientMetadata.weekdays_only !== 'true') {
    return callback(null, user, context);
  }
  const weekday = new Date().toLocaleDateString('en-US', { weekday: 'short', timeZone: configuration.DESK_TIME_ZONE });
  if (weekday === 'Sat' || weekday === 'Sun') {
    return callback(new UnauthorizedError('The trading desk is closed on weekends.'));
  }
  context.idToken['https://coop.example.com/claims/desk_day'] = weekday;
  return callback(null, user, context);
}
