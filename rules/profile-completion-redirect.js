/** Users without a member number complete their profile on the membership site first. */
function (user, context, callback) {
  if (context.protocol === 'redirect-callback') {
    if (context.request.query.member_number) {
      context.idToken['https://coop.example.com/member_number'] = context.request.query.member_number;
      return callback(null, user, context);
    }
    return callback(new UnauthorizedError('A member number is required.'));
  }
  if (!user.app_metadata || !user.app_metadata.member_number) {
    context.redirect = { url: configuration.PROFILE_FORM_URL };
    return callback(null, user, context);
  }
  context.idToken['https://coop.example.com/member_number'] = user.app_metadata.member_number;
  callback(null, user, context);
}
