/**
 * Only users whose email is in one of the allowed domains may log in to the partner portal.
 * The list is a comma-separated configuration value, e.g. "coop.example.com,partner.example.org".
 */
function (user, context, callback) {
  if (context.clientName !== 'Partner Portal') {
    return callback(null, user, context);
  }
  var allowed = configuration.ALLOWED_DOMAINS.split(',').map(function (d) {
    return d.trim().toLowerCase();
  });
  var email = (user.email || '').toLowerCase();
  var domain = email.split('@')[1];
  var userHasAccess = allowed.some(function (d) {
    return domain === d;
  });

  if (!userHasAccess) {
    return callback(new UnauthorizedError('Access denied: ' + (domain || 'no email') + ' is not an allowed domain.'));
  }
  return callback(null, user, context);
}
