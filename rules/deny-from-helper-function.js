/**
 * Contractors may only use the contractor portal, and only until their contract ends.
 * The decision is made in a helper that calls callback itself.
 */
function (user, context, callback) {
  function deny(reason) {
    console.log('denied ' + user.user_id + ': ' + reason);
    return callback(new UnauthorizedError(reason));
  }
  if (user.app_metadata.employment !== 'contractor') {
    return callback(null, user, context);
  }
  if (context.clientName !== 'Contractor Portal') {
    return deny('Contractors can only use the contractor portal.');
  }
  if (new Date(user.app_metadata.contract_end) < new Date()) {
    return deny('The contract has ended.');
  }
  callback(null, user, context);
}
