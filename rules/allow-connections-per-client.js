/**
 * Applications may restrict which connections can log in to them, with a comma-separated
 * allowed_connections entry in their client metadata.
 */
function (user, context, callback) {
  const setting = context.clientMetadata.allowed_connections;
  if (!setting) {
    return callback(null, user, context);
  }
  const allowed = setting.split(',').map((c) => c.trim());
  if (allowed.includes(context.connection)) {
    return callback(null, user, context);
  }
  return callback(new UnauthorizedError(`Use ${allowed.join(' or ')} to log in to ${context.clientName}.`));
}
