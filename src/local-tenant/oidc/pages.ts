/**
 * The HTML the local tenant shows a person: the login page (one button per fixture user), the
 * error page Auth0 shows instead of redirecting to an untrusted callback, and the form_post
 * response mode's self-submitting form. Plain HTML with every value escaped; no scripts except
 * form_post's one-line submit.
 */
export interface LoginPageUser {
  login: string;
  name?: string;
  email?: string;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1e212a}
h1{font-size:1.4rem}button{display:block;width:100%;margin:.5rem 0;padding:.75rem 1rem;text-align:left;font-size:1rem;border:1px solid #c9cace;border-radius:6px;background:#fff;cursor:pointer}
button:hover{border-color:#635dff}small{display:block;color:#65676e}.error{color:#b3261e}`;

function page(title: string, body: string): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>\n`;
}

/** Universal Login's stand-in: pick a user; the form posts the transaction's state back. */
export function loginPage(options: {
  state: string;
  clientName: string;
  users: LoginPageUser[];
  error?: string;
  loginHint?: string;
}): string {
  const buttons = options.users
    .map(
      (u) =>
        `<button type="submit" name="username" value="${escapeHtml(u.login)}" data-login="${escapeHtml(u.login)}"${u.login === options.loginHint || u.email === options.loginHint ? " autofocus" : ""}>` +
        `${escapeHtml(u.name ?? u.login)}<small>${escapeHtml(u.email ?? u.login)}</small></button>`,
    )
    .join("\n");
  return page(
    "Log in | Local tenant",
    `<h1>Log in to ${escapeHtml(options.clientName)}</h1>
<p>Local tenant: choose a user (fixtures/users/). No password: the post-login Actions run as on Auth0.</p>
${options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : ""}
<form method="post" action="/u/login">
<input type="hidden" name="state" value="${escapeHtml(options.state)}">
${buttons}
</form>`,
  );
}

export function errorPage(error: string, description: string): string {
  return page(
    "Error | Local tenant",
    `<h1>Oops!, something went wrong</h1>
<p class="error"><code id="error">${escapeHtml(error)}</code>: <span id="error_description">${escapeHtml(description)}</span></p>`,
  );
}

/** response_mode=form_post: the browser posts the answer to the callback. */
export function formPostPage(action: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join("");
  return page(
    "Submit This Form",
    `<form method="post" name="hiddenform" action="${escapeHtml(action)}">${inputs}<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit"></noscript></form><script>document.forms[0].submit()</script>`,
  );
}
