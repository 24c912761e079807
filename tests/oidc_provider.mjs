// A real OpenID provider for the tests: the certified `oidc-provider` package (a devDependency),
// configured from the JSON file named on the command line, which tests/oidc_provider.py writes:
//
//   { "clients": [...],            oidc-provider client metadata (id, secret, redirect URIs)
//     "signing_key": {...},        the private JWK every ID token is signed with
//     "accounts": { "<username>": { "password": "...", "claims": {...}, "id_token": {...} } } }
//
// It listens on a port the system picks on 127.0.0.1 and prints "issuer <url>" when it is ready.
// People sign in on a plain form of ours (oidc-provider's own development pages load a web font).
//
// An account's optional "id_token" makes the provider misbehave the way the tests need, after
// oidc-provider has issued the token and before the token endpoint answers:
//   "claims": {...}          claims replaced, the token signed again with the provider's key
//   "drop": ["email", ...]   claims taken out (the address then only comes from userinfo)
//   "expires_in": -3600      issued and expiring relative to now, in seconds
//   "keep_signature": true   the changed claims keep the original signature: a forgery
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import { SignJWT, decodeJwt, decodeProtectedHeader, importJWK } from 'jose';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = new Map(Object.entries(config.accounts));
const signingKey = await importJWK(config.signing_key, config.signing_key.alg);

const server = createServer();
await new Promise((resolve) => { server.listen(0, '127.0.0.1', resolve); });
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: config.clients,
  jwks: { keys: [config.signing_key] },
  cookies: { keys: ['rapport-test-provider'] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'given_name', 'family_name'],
  },
  // As Google and Entra ID do: the code flow's ID token carries the scopes' claims.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const account = accounts.get(id);
    return account && { accountId: id, claims: async () => ({ sub: id, ...account.claims }) };
  },
  // A district's own application: no consent screen, as Google Workspace does for internal apps.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return provider.Grant.find(grantId);
    const grant = new provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
});

async function misbehave(idToken) {
  const claims = decodeJwt(idToken);
  const change = accounts.get(claims.sub)?.id_token;
  if (!change) return idToken;
  const changed = { ...claims, ...change.claims };
  for (const name of change.drop ?? []) delete changed[name];
  if (change.expires_in !== undefined) {
    const now = Math.floor(Date.now() / 1000);
    changed.iat = now + change.expires_in - 3600;
    changed.exp = now + change.expires_in;
  }
  if (change.keep_signature) {
    const [header, , signature] = idToken.split('.');
    return [header, Buffer.from(JSON.stringify(changed)).toString('base64url'), signature].join('.');
  }
  return new SignJWT(changed).setProtectedHeader(decodeProtectedHeader(idToken)).sign(signingKey);
}

provider.use(async (ctx, next) => {
  await next();
  if (ctx.oidc?.route === 'token' && ctx.body?.id_token) {
    ctx.body = { ...ctx.body, id_token: await misbehave(ctx.body.id_token) };
  }
});

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(res, uid, message = '') {
  res.writeHead(message ? 401 : 200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>District sign-in</title></head>
<body><main><h1>District sign-in</h1>${message ? `<p role="alert">${escape(message)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}">
<label>Username <input name="username" autocomplete="username" autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit" name="action" value="sign-in">Sign in</button>
<button type="submit" name="action" value="cancel">Cancel</button>
</form></main></body></html>`);
}

async function formBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString());
}

async function interaction(req, res, uid) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid || details.prompt.name !== 'login') {
    res.writeHead(400).end('This sign-in is not waiting for a login.');
    return;
  }
  if (req.method !== 'POST') {
    loginPage(res, uid);
    return;
  }
  const form = await formBody(req);
  if (form.get('action') === 'cancel') {
    const result = { error: 'access_denied', error_description: 'The person cancelled the sign-in.' };
    await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
    return;
  }
  const account = accounts.get(form.get('username'));
  if (!account || account.password !== form.get('password')) {
    loginPage(res, uid, 'Wrong username or password.');
    return;
  }
  const result = { login: { accountId: form.get('username') } };
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
}

const providerCallback = provider.callback();
server.on('request', (req, res) => {
  const match = new URL(req.url, issuer).pathname.match(/^\/interaction\/([\w-]+)$/);
  if (!match) {
    providerCallback(req, res);
    return;
  }
  interaction(req, res, match[1]).catch((error) => {
    res.writeHead(400, { 'content-type': 'text/plain' }).end(String(error));
  });
});

process.on('SIGTERM', () => { server.close(); process.exit(0); });
console.log(`issuer ${issuer}`);
