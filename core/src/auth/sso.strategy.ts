import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { StateStore, Strategy } from 'passport-oauth2';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import { EgressClient } from '../egress/egress.client';
import { AuthService } from './auth.service';

type Done = (error: unknown, result?: unknown, info?: unknown) => void;
type OAuth2Request = (
  method: string,
  url: string,
  headers: Record<string, string> | null,
  body: string | null,
  accessToken: string | null,
  callback: (error: unknown, data?: string, response?: unknown) => void,
) => void;

/** The userinfo claims SSO uses. */
interface UserInfo {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
}

/** Passport's state store over AuthService: each login's state and PKCE verifier, taken once. */
class SsoStateStore {
  constructor(private readonly auth: AuthService) {}

  store(_req: unknown, verifier: string, _state: unknown, _meta: unknown, callback: Done): void {
    this.auth.startSsoLogin(verifier).then((state) => callback(null, state), callback);
  }

  verify(_req: unknown, state: string | undefined, _meta: unknown, callback: Done): void {
    if (!state) return callback(null, false, { message: 'The login has no state' });
    this.auth
      .finishSsoLogin(state)
      .then(
        (verifier) =>
          verifier ? callback(null, verifier) : callback(null, false, { message: 'Unknown or used state' }),
        callback,
      );
  }
}

/**
 * SSO login through any OAuth 2.0 / OpenID Connect provider configured by environment (passport-oauth2):
 * authorization code with state and S256 PKCE, every request to the provider through the egress guard.
 */
@Injectable()
export class SsoStrategy extends PassportStrategy(Strategy, 'sso') {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly egress: EgressClient,
    private readonly auth: AuthService,
  ) {
    const sso = config.sso;
    // Unconfigured, the strategy exists but the routes answer 404 before it is used (see SsoGuard).
    super({
      authorizationURL: sso?.authorizationUrl ?? 'https://sso.invalid/authorize',
      tokenURL: sso?.tokenUrl ?? 'https://sso.invalid/token',
      clientID: sso?.clientId ?? 'unconfigured',
      clientSecret: sso?.clientSecret ?? 'unconfigured',
      scope: (sso?.scopes ?? 'openid').split(' '),
      state: true,
      pkce: true,
      // passport-oauth2 calls the five-argument form when PKCE is on; its typings know only the shorter ones.
      store: new SsoStateStore(auth) as unknown as StateStore,
    });
    const request: OAuth2Request = (method, url, headers, body, _accessToken, callback) => {
      this.egress
        .fetch(url, { method, headers: headers ?? {}, body: body ?? undefined }, { timeoutMs: 10_000 })
        .then(
          (response) =>
            response.status >= 200 && response.status < 300
              ? callback(null, response.body, response)
              : callback({ statusCode: response.status, data: response.body }),
          (error: unknown) => callback(error),
        );
    };
    (this as unknown as { _oauth2: { _request: OAuth2Request } })._oauth2._request = request;
  }

  /** The provider's userinfo, fetched through the egress guard. */
  override userProfile(accessToken: string, done: Done): void {
    this.egress
      .fetch(this.config.sso?.userinfoUrl ?? '', { headers: { authorization: `Bearer ${accessToken}` } })
      .then((response) => {
        if (response.status !== 200) return done(new Error(`userinfo answered ${response.status}`));
        done(null, JSON.parse(response.body) as UserInfo);
      }, done);
  }

  async validate(_accessToken: string, _refreshToken: string, profile: UserInfo) {
    return await this.auth.ssoSignIn({
      subject: profile.sub,
      email: profile.email,
      emailVerified: profile.email_verified === true,
      name: profile.name,
    });
  }
}
