/**
 * Sends the MFA code with a message in the user's language (from user_metadata), for enrollment
 * and for sign-in, through an SMS gateway (axios); the gateway key is a Hook secret.
 */
module.exports = async function (recipient, text, context, cb) {
  const axios = require('axios@1.7.9');
  const language = (context.user.user_metadata || {}).language || 'en';
  const templates = {
    en: { enrollment: 'Your enrollment code: ', 'second-factor-authentication': 'Your sign-in code: ' },
    de: { enrollment: 'Ihr Registrierungscode: ', 'second-factor-authentication': 'Ihr Anmeldecode: ' }
  };
  const prefix = (templates[language] || templates.en)[context.action];
  const response = await axios.post('https://gateway.example.com/send', { to: recipient, message: prefix + context.code }, {
    params: { key: context.webtask.secrets.GATEWAY_KEY }
  });
  cb(null, { id: response.data.id });
};
