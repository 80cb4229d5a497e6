// A real, standards-conformant OpenID provider for the identity tests (oidc-provider 8).
//   node provider.mjs PORT REDIRECT_URI [CODE_TTL_SECONDS]
// One confidential client "wangban" (secret "wangban-secret", PKCE S256 required) and one
// account whose claims carry a name, a citizen ID number, an e-mail and a phone number
// (scopes profile, email, phone). Interactions (login and
// consent) complete automatically, so a test can follow the redirects hop by hop. Prints
// "ready" when it listens on 127.0.0.1:PORT.
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const [port, redirectUri, codeTtl = '60'] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', use: 'sig', alg: 'RS256' };

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'wangban',
    client_secret: 'wangban-secret',
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [jwk] },
  claims: { openid: ['sub'], profile: ['name', 'id_number'], email: ['email'], phone: ['phone_number'] },
  conformIdTokenClaims: false,
  pkce: { required: () => true, methods: ['S256'] },
  cookies: { keys: ['wangban-test-cookie-key'] },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  ttl: { AuthorizationCode: Number(codeTtl) },
  async findAccount(ctx, id) {
    return { accountId: id, claims: () => ({
      sub: id, name: '王五', id_number: '11010519491231002X', email: 'wang.wu@example.cn', phone_number: '+8613900139000',
    }) };
  },
});

provider.use(async (ctx, next) => {
  if (!ctx.path.startsWith('/interaction/')) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (details.prompt.name === 'login') {
    await provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: 'citizen-1' } },
      { mergeWithLastSubmission: false });
    return;
  }
  const grant = new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  await provider.interactionFinished(ctx.req, ctx.res, { consent: { grantId } }, { mergeWithLastSubmission: true });
});

provider.listen(Number(port), '127.0.0.1', () => console.log('ready'));
