/** Applications may name a required role in their metadata (required_role). */
function (user, context, callback) {
  var required = context.clientMetadata && context.clientMetadata.required_role;
  if (!required) return callback(null, user, context);
  var roles = (context.authorization && context.authorization.roles) || [];
  if (roles.indexOf(required) === -1) {
    return callback(new UnauthorizedError('You need the ' + required + ' role for ' + context.clientName + '.'));
  }
  callback(null, user, context);
}
