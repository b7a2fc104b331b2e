/**
 * Analytics get a stable pseudonymous id: an HMAC of the normalized email with a secret key.
 */
function (user, context, callback) {
  const crypto = require('crypto');
  if (!user.email) {
    return callback(null, user, context);
  }
  const normalized = user.email.trim().toLowerCase();
  const pseudonym = crypto.createHmac('sha256', configuration.ANALYTICS_HMAC_KEY).update(normalized).digest('hex');
  context.accessToken['https://analytics.coop.example.com/pid'] = pseudonym.slice(0, 32);
  callback(null, user, context);
}
