/**
 * The legacy SAML application expects the employee number and department as attributes.
 */
function (user, context, callback) {
  if (context.protocol !== 'samlp') {
    return callback(null, user, context);
  }
  context.samlConfiguration.mappings = {
    'http://schemas.coop.example.com/employee_number': 'app_metadata.employee_number',
    'http://schemas.coop.example.com/department': 'app_metadata.department'
  };
  context.samlConfiguration.lifetimeInSeconds = 3600;
  callback(null, user, context);
}
