/** Force a fresh login for the payroll application. */
function (user, context, callback) {
  if (context.clientName === 'Payroll') {
    context.request.query.prompt = 'login';
    context.request.query.max_age = 0;
  }
  callback(null, user, context);
}
