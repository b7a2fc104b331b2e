/**
 * The pre-user-registration template's localized refusal: the message follows the language the
 * login page was rendered in (context.renderLanguage), which no Action event field carries.
 */
module.exports = function (user, context, cb) {
  const LOCALIZED_MESSAGES = {
    en: 'You are not allowed to register.',
    es: 'No tienes permitido registrarte.'
  };
  if (/@competitor\.example$/.test(user.email)) {
    const localizedMessage = LOCALIZED_MESSAGES[context.renderLanguage] || LOCALIZED_MESSAGES['en'];
    return cb(new PreUserRegistrationError('Denied user registration in Pre User Registration Hook', localizedMessage));
  }
  cb(null, { user: user });
};
