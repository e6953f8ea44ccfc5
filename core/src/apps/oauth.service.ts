import { Inject, Injectable } from '@nestjs/common';
import OAuth2Server, {
  OAuthError,
  Request as OAuthRequest,
  Response as OAuthResponse,
} from '@node-oauth/oauth2-server';
import { AuthService } from '../auth/auth.service';
import { hashToken } from '../auth/tokens';
import { APP_SCOPES } from '../common/auth-context';
import { badRequest } from '../common/problem';
import { isUuid } from '@jokkaer/sdk-plugin';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import { Database } from '../database/database';
import { WorkspacesService } from '../workspaces/workspaces.service';
import { AppsRepository } from './apps.repository';
import { AppsService } from './apps.service';
import { ConsentPage, renderConsentPage, renderErrorPage } from './consent-page';
import { OAuthModel } from './oauth.model';

/** An answer in OAuth's own format (RFC 6749 §5): OAuth clients parse `{error, error_description}`. */
export interface OAuthAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * The OAuth 2.0 authorization server for apps, on @node-oauth/oauth2-server: authorization code with PKCE
 * (S256 only), exact redirect URIs, single-use 10-minute codes, rotating refresh tokens, RFC 7009
 * revocation and RFC 8414 metadata. No implicit, password or client-credentials grant.
 */
@Injectable()
export class OAuthService {
  private readonly server: OAuth2Server;
  private readonly model: OAuthModel;

  constructor(
    private readonly db: Database,
    private readonly repository: AppsRepository,
    apps: AppsService,
    private readonly auth: AuthService,
    private readonly workspaces: WorkspacesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.model = new OAuthModel(db, repository, apps, auth);
    this.server = new OAuth2Server({
      model: this.model,
      authorizationCodeLifetime: 600,
      accessTokenLifetime: 12 * 3600,
      refreshTokenLifetime: 90 * 86_400,
      alwaysIssueNewRefreshToken: true,
      allowExtendedTokenAttributes: true,
    });
  }

  /**
   * A workspace admin consents (`POST /oauth/authorize`, with their own token): the app is granted the
   * scopes in that workspace and the browser goes back to the app with a code, or with the error.
   */
  async authorize(userId: string, params: Record<string, unknown>): Promise<{ redirectTo: string }> {
    const workspaceId = params.workspace_id;
    if (!isUuid(workspaceId)) {
      throw badRequest('The request is invalid', [
        { path: 'workspace_id', message: 'must name a workspace' },
      ]);
    }
    await this.workspaces.requireAdmin(workspaceId, userId);
    const request = new OAuthRequest({ method: 'POST', headers: {}, query: {}, body: params });
    const response = new OAuthResponse({ headers: {} });
    try {
      await this.server.authorize(request, response, {
        authenticateHandler: { handle: () => ({ id: userId, workspaceId }) },
      });
    } catch (error) {
      const location = response.get('location') as string | undefined;
      if (location) return { redirectTo: location }; // the error goes back to the app, as OAuth says
      if (!isOAuthAnswer(error)) throw unwrapped(error);
      throw badRequest(error.message);
    }
    return { redirectTo: response.get('location') as string };
  }

  /**
   * The consent page for an authorization request — or an error page, never a redirect, when the app or
   * its redirect URI is unknown (the redirect URI is not trusted until it matches one registered exactly).
   */
  async consentPage(query: Record<string, unknown>): Promise<{ status: number } & ConsentPage> {
    const params = Object.fromEntries(
      Object.entries(query).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
    const app = params.client_id ? await this.repository.findByClientId(params.client_id) : undefined;
    if (!app || !params.redirect_uri || !app.redirectUris.includes(params.redirect_uri)) {
      const page = renderErrorPage(
        app ? 'This redirect address is not registered for the app.' : 'Unknown app.',
      );
      return { status: 400, ...page };
    }
    const asked = params.scope ? params.scope.split(' ').filter(Boolean) : app.scopes;
    return { status: 200, ...renderConsentPage({ name: app.name, scopes: asked }, params) };
  }

  async token(
    body: Record<string, unknown>,
    headers: Record<string, string | undefined>,
  ): Promise<OAuthAnswer> {
    const request = new OAuthRequest({ method: 'POST', headers: clean(headers), query: {}, body });
    const response = new OAuthResponse({ headers: {} });
    try {
      await this.server.token(request, response);
      return { status: 200, headers: { 'cache-control': 'no-store' }, body: response.body };
    } catch (error) {
      return oauthError(error);
    }
  }

  /** RFC 7009: the client authenticates; the answer is 200 whether or not the token was live. */
  async revoke(
    body: Record<string, unknown>,
    headers: Record<string, string | undefined>,
  ): Promise<OAuthAnswer> {
    const [clientId, clientSecret] = clientCredentials(body, headers);
    const client = clientId && clientSecret ? await this.model.getClient(clientId, clientSecret) : null;
    if (!client) {
      return {
        status: 401,
        headers: {},
        body: { error: 'invalid_client', error_description: 'Client authentication failed' },
      };
    }
    const token = typeof body.token === 'string' ? body.token : '';
    if (!token)
      return {
        status: 400,
        headers: {},
        body: { error: 'invalid_request', error_description: 'Missing token' },
      };
    const installs = (await this.repository.installsOf(client.id)).map((install) => install.id);
    const refresh = await this.repository.findRefreshToken(hashToken(token));
    if (refresh && installs.includes(refresh.installId)) {
      await this.db.transaction(async () => {
        await this.repository.revokeRefreshFamily(refresh.familyId);
        await this.auth.revokeInstallTokens(refresh.installId);
      });
    } else {
      await this.auth.revokeBotToken(token, installs);
    }
    return { status: 200, headers: {}, body: {} };
  }

  /** RFC 8414. */
  metadata() {
    const base = this.config.publicUrl;
    return {
      issuer: base,
      authorization_endpoint: `${base}/oauth/authorize`,
      token_endpoint: `${base}/oauth/token`,
      revocation_endpoint: `${base}/oauth/revoke`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      scopes_supported: [...APP_SCOPES],
    };
  }
}

function clean(headers: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

/** client_secret_basic or client_secret_post, as sent: the model's getClient form-decodes them. */
function clientCredentials(body: Record<string, unknown>, headers: Record<string, string | undefined>) {
  const basic = /^Basic\s+(\S+)$/i.exec(headers.authorization ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return [decoded.slice(0, colon), decoded.slice(colon + 1)];
  }
  return [body.client_id, body.client_secret].map((value) => (typeof value === 'string' ? value : undefined));
}

/**
 * The library wraps our own failures (a database error) in a 5xx OAuthError that quotes their message: those
 * are not OAuth answers, and go (unwrapped) to the problem filter, which never shows the message.
 */
const isOAuthAnswer = (error: unknown): error is OAuthError =>
  error instanceof OAuthError && error.code < 500;
const unwrapped = (error: unknown): unknown => (error as { inner?: unknown }).inner ?? error;

function oauthError(error: unknown): OAuthAnswer {
  if (isOAuthAnswer(error)) {
    return {
      status: error.code,
      headers: { 'cache-control': 'no-store' },
      body: { error: error.name, error_description: error.message },
    };
  }
  throw unwrapped(error);
}
