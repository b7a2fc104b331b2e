/**
 * Refuses signups from email domains on a deny list (a Hook secret, comma-separated), with a
 * message for the user (Auth0's pre-user-registration template's PreUserRegistrationError).
 */
module.exports = function (user, context, cb) {
  const denied = (context.webtask.secrets.DENIED_DOMAINS || '').split(',').map(function (d) { return d.trim().toLowerCase(); });
  const domain = (user.email || '').split('@')[1] || '';
  if (denied.indexOf(domain.toLowerCase()) !== -1) {
    return cb(new PreUserRegistrationError('Denied signup from ' + domain, 'Sign-ups with this email address are not allowed.'));
  }
  cb(null, { user: user });
};
