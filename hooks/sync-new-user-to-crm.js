/**
 * Creates a contact in the CRM for every new user (axios, API key from the Hook's secrets).
 * A CRM error fails the Hook, which Auth0 only logs: the user exists either way.
 */
const axios = require('axios@1.7.9');

module.exports = async function (user, context, cb) {
  try {
    await axios.post('https://crm.example.com/api/contacts', {
      email: user.email,
      external_id: user.id,
      plan: (user.app_metadata || {}).plan || 'free'
    }, { headers: { Authorization: 'Bearer ' + context.webtask.secrets.CRM_API_KEY } });
    cb();
  } catch (err) {
    cb(new Error('CRM sync failed: ' + err.message));
  }
};
