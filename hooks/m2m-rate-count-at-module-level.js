/**
 * Counts the tokens issued to each client in a module-level object and adds the count as a claim:
 * the Hook's container kept the counts between runs. As an Action on Node 22 the module scope is
 * shared by every execution, so the conversion must leave this state to a person.
 */
var issuedTo = {};
var lastClient = null;

module.exports = function (client, scope, audience, context, cb) {
  issuedTo[client.id] = (issuedTo[client.id] || 0) + 1;
  var access_token = { scope: scope };
  access_token['https://example.com/issued'] = issuedTo[client.id];
  access_token['https://example.com/previous_client'] = lastClient || 'none';
  lastClient = client.id;
  cb(null, access_token);
};
