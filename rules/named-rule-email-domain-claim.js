function emailDomainClaim(user, context, callback) {
  function domainOf(email) {
    var at = email.lastIndexOf('@');
    return at === -1 ? '' : email.slice(at + 1).toLowerCase();
  }
  if (user.email) {
    context.idToken['https://coop.example.com/email_domain'] = domainOf(user.email);
  }
  callback(null, user, context);
}
