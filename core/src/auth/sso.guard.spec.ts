import { TokenError } from 'passport-oauth2';
import { ProblemException } from '../common/problem';
import { loadConfig } from '../config/config';
import { SsoGuard } from './sso.guard';

describe('SsoGuard.handleRequest', () => {
  const guard = new SsoGuard(loadConfig({}));

  it('explains a failed OAuth exchange with the provider’s reason', () => {
    const failed = () =>
      guard.handleRequest(new TokenError('The code was already used', 'invalid_grant'), false, {});
    expect(failed).toThrow(ProblemException);
    expect(failed).toThrow('SSO login failed: The code was already used');
  });

  it('passes any other error on to the problem filter, its text unseen', () => {
    const database = Object.assign(new Error('delete from "sso_states" where ...'), { code: '57P01' });
    expect(() => guard.handleRequest(database, false, {})).toThrow(database);
  });
});
