/**
 * Records the language of the signup request and the tenant in user_metadata; Spanish speakers
 * are put on the Spanish newsletter list.
 */
module.exports = function (user, context, cb) {
  const language = context.requestLanguage || 'en';
  const response = { user: { user_metadata: { language: language, tenant: user.tenant } } };
  if (language.indexOf('es') === 0) {
    response.user.app_metadata = { newsletter_list: 'es' };
  }
  cb(null, response);
};
