// A real OpenID Connect provider on loopback for flexpool's tests (issue 15): npm's oidc-provider,
// configured as NHS CIS2 is (the code flow with PKCE S256; scopes openid profile email
// nationalrbacaccess, whose claims uid and nhsid_nrbac_roles UserInfo gives), with a small
// sign-in page and a control address through which a test says who signs in and what to alter.
//
// usage: node tests/oidc/provider.mjs DIR
//   Listens on 127.0.0.1 on a free port and writes DIR/port once it answers, DIR/client-key.json
//   (the private JWK of the client "flexpool-jwt", which authenticates with private_key_jwt) and
//   DIR/client-secret (the secret of the client "flexpool", client_secret_basic). Stops on SIGTERM.
//
// POST /__control {..}: merged into the settings below (a key set to null is removed):
//   accounts: {SUB: {email, email_verified, name, uid, nhsid_nrbac_roles}}: who may sign in;
//   login: SUB: the person who signs in without the sign-in page (the API tests); absent: the page asks;
//   acr: the acr of the sign-in (default "AAL1_USERPASS");
//   id_token_ttl: seconds an ID token lives (default 3600); token_delay_ms: the token endpoint waits
//     this long before it answers;
//   alter: how the token or UserInfo answer is altered: "tamper" (the ID token's claims changed after
//     signing), "audience" (re-signed for another audience), "nonce" (re-signed with another nonce),
//     "unknown_key" (signed with a key the provider never published), "none" (alg none), "hs256"
//     (an HMAC with the client's secret as key), "userinfo_sub" (UserInfo names another subject).
// The clients' redirect URI may be any http://127.0.0.1:PORT/api/v1/oidc/callback (flexpool takes
// a free port in the tests).
import { writeFileSync, renameSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';
import { SignJWT, exportJWK, generateKeyPair, decodeJwt, decodeProtectedHeader } from 'jose';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: provider.mjs DIR');
  process.exit(2);
}

const control = { accounts: {}, acr: 'AAL1_USERPASS', id_token_ttl: 3600 };

const signing = await generateKeyPair('RS256', { extractable: true });
const signingJwk = { ...(await exportJWK(signing.privateKey)), kid: 'cis2-test-1', alg: 'RS256', use: 'sig' };
const stray = await generateKeyPair('RS256', { extractable: true });
const client = await generateKeyPair('RS512', { extractable: true });
const clientPrivate = { ...(await exportJWK(client.privateKey)), kid: 'flexpool-client-1', alg: 'RS512' };
const clientPublic = { ...(await exportJWK(client.publicKey)), kid: 'flexpool-client-1', alg: 'RS512', use: 'sig' };
const clientSecret = randomBytes(32).toString('base64url');

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;
const CALLBACK = /^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/oidc\/callback$/;

const provider = new Provider(issuer, {
  clients: [
    { client_id: 'flexpool', client_secret: clientSecret, redirect_uris: ['http://127.0.0.1/api/v1/oidc/callback'],
      token_endpoint_auth_method: 'client_secret_basic' },
    { client_id: 'flexpool-jwt', redirect_uris: ['http://127.0.0.1/api/v1/oidc/callback'],
      token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'RS512', jwks: { keys: [clientPublic] } },
  ],
  jwks: { keys: [signingJwk] },
  claims: {
    openid: ['sub', 'acr'], // acr in every ID token, as CIS2 gives it (its authentication assurance level)
    profile: ['name', 'given_name', 'family_name'],
    email: ['email', 'email_verified'],
    nationalrbacaccess: ['uid', 'nhsid_nrbac_roles'],
  },
  scopes: ['openid', 'profile', 'email', 'nationalrbacaccess'],
  acrValues: ['AAL1_USERPASS', 'AAL3_ANY'],
  // RS512 too: what CIS2 documents for private_key_jwt (oidc-provider admits RS256, PS256, ES256 and EdDSA unless told).
  enabledJWA: { clientAuthSigningAlgValues: ['RS256', 'RS512', 'PS256', 'ES256'] },
  async findAccount(ctx, sub) {
    const a = control.accounts[sub];
    if (!a) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...a }) };
  },
  pkce: { required: () => true, methods: ['S256'] },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: [randomBytes(16).toString('hex')] },
  ttl: { IdToken: () => control.id_token_ttl || 3600, AccessToken: 600, AuthorizationCode: 60, Interaction: 600, Session: 600, Grant: 600 },
});
provider.Client.prototype.redirectUriAllowed = function allowed(uri) { return CALLBACK.test(uri); };

async function body(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// The sign-in page a person sees: which test account signs in.
function signInPage(uid) {
  const options = Object.entries(control.accounts)
    .map(([sub, a]) => `<option value="${esc(sub)}">${esc(a.name || sub)} (${esc(a.email || 'no email')})</option>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test identity provider</title></head>
<body><main><h1>Test identity provider</h1><p>This stands in for NHS CIS2 in flexpool's tests.</p>
<form method="post" action="/interaction/${esc(uid)}/login"><label for="login">Who signs in</label>
<select id="login" name="login">${options}</select> <button type="submit">Continue</button></form></main></body></html>`;
}

async function finishLogin(req, res, sub) {
  await provider.interactionFinished(req, res, { login: { accountId: sub, acr: control.acr || 'AAL1_USERPASS' } },
    { mergeWithLastSubmission: false });
}

async function interaction(req, res, url) {
  const details = await provider.interactionDetails(req, res);
  const { prompt, params, uid } = details;
  if (prompt.name === 'login') {
    if (req.method === 'POST') {
      const form = new URLSearchParams(await body(req));
      return finishLogin(req, res, form.get('login'));
    }
    if (control.login) return finishLogin(req, res, control.login);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return res.end(signInPage(uid));
  }
  // Consent: granted at once, for what was asked (flexpool is the organisation's own service).
  const grant = details.grantId ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
  if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  const grantId = await grant.save();
  return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

const b64url = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');

async function alterIdToken(token) {
  const claims = decodeJwt(token);
  const header = decodeProtectedHeader(token);
  const [h, , s] = token.split('.');
  switch (control.alter) {
    case 'tamper': return `${h}.${b64url({ ...claims, sub: `${claims.sub}-other` })}.${s}`;
    case 'audience':
      return new SignJWT({ ...claims, aud: 'someone-else' }).setProtectedHeader(header).sign(signing.privateKey);
    case 'nonce':
      return new SignJWT({ ...claims, nonce: 'another-nonce' }).setProtectedHeader(header).sign(signing.privateKey);
    case 'unknown_key':
      return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'never-published' }).sign(stray.privateKey);
    case 'none': return `${b64url({ alg: 'none' })}.${b64url(claims)}.`;
    case 'hs256':
      return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: header.kid })
        .sign(new TextEncoder().encode(clientSecret));
    default: return token;
  }
}

// Alters (or delays) the JSON answer of the token endpoint or UserInfo as control says.
function intercept(req, res, kind) {
  const end = res.end.bind(res);
  res.end = (chunk, ...rest) => {
    (async () => {
      let out = chunk;
      try {
        const j = JSON.parse(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : chunk);
        if (kind === 'token' && j.id_token && process.env.OIDC_DEBUG) console.error(JSON.stringify(decodeJwt(j.id_token)));
        if (kind === 'token' && j.id_token) j.id_token = await alterIdToken(j.id_token);
        if (kind === 'userinfo' && control.alter === 'userinfo_sub') j.sub = `${j.sub}-other`;
        out = JSON.stringify(j);
      } catch { /* not JSON: as it was */ }
      if (kind === 'token' && control.token_delay_ms) await new Promise((r) => setTimeout(r, control.token_delay_ms));
      if (!res.headersSent) res.setHeader('content-length', Buffer.byteLength(out));
      end(out, ...rest);
    })();
    return res;
  };
}

const callback = provider.callback();
server.on('request', async (req, res) => {
  const url = new URL(req.url, issuer);
  try {
    if (url.pathname === '/__control' && req.method === 'POST') {
      const change = JSON.parse(await body(req));
      for (const [k, v] of Object.entries(change)) {
        if (v === null) delete control[k];
        else control[k] = v;
      }
      res.writeHead(204);
      return res.end();
    }
    if (url.pathname.startsWith('/interaction/')) return await interaction(req, res, url);
    if (url.pathname === '/token') intercept(req, res, 'token');
    if (url.pathname === '/me') intercept(req, res, 'userinfo');
    return callback(req, res);
  } catch (err) {
    console.error(err);
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
    return res.end(String(err && err.message));
  }
});

writeFileSync(join(dir, 'client-key.json'), JSON.stringify(clientPrivate));
writeFileSync(join(dir, 'client-secret'), clientSecret);
writeFileSync(join(dir, 'port.tmp'), String(server.address().port));
renameSync(join(dir, 'port.tmp'), join(dir, 'port'));
process.on('SIGTERM', () => { server.close(); process.exit(0); });
