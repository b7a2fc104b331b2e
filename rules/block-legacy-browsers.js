/**
 * Internet Explorer cannot run the portal any more: stop those logins with an explanation.
 */
function (user, context, callback) {
  const agent = context.request.userAgent || '';
  if (agent.indexOf('MSIE ') !== -1 || agent.indexOf('Trident/') !== -1) {
    return callback(new UnauthorizedError('This browser is no longer supported. Please use a current browser.'));
  }
  callback(null, user, context);
}
