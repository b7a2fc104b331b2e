// Roles for the API and the single-page app, written as an async arrow function.
async (user, context, callback) => {
  const roles = (context.authorization || {}).roles || [];
  context.idToken['https://coop.example.com/roles'] = roles;
  context.accessToken['https://coop.example.com/roles'] = roles;
  if (roles.indexOf('auditor') !== -1) {
    context.accessToken['https://coop.example.com/read_only'] = true;
  }
  callback(null, user, context);
}
