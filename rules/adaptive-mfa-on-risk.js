/** Adaptive MFA: challenge only logins the risk assessment does not trust. */
function (user, context, callback) {
  var risk = context.riskAssessment;
  if (risk && risk.confidence === 'low') {
    context.multifactor = { provider: 'guardian', allowRememberBrowser: false };
  }
  callback(null, user, context);
}
