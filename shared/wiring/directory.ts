import { builtOnFirstCall } from '../adapters/built-on-first-call.js';
import { binding, type Config } from '../config.js';
import type { Directory } from '../ports/portal.js';

/**
 * The team's sign-ins (the Cognito user pool), its client loaded by the first call (issue 23): a
 * portal request asks the directory only to invite or lock out a member and, once per member every
 * 5 minutes, whether two-step sign-in is on; loading the Cognito client cost every cold start of the
 * four portal functions ~60 ms here. `handOverPassword`: the local identity provider hands a new
 * member's temporary password to the inviting admin (Cognito emails it).
 */
export function directoryFromEnvironment(
  config: Config,
  options: { handOverPassword: boolean } = { handOverPassword: false },
): Directory {
  const userPoolId = binding(config, 'PAYOUTS_USER_POOL_ID');
  return builtOnFirstCall({ createUser: true, setEnabled: true, mfaEnabled: true, resetMfa: true }, () =>
    import('../adapters/cognito-directory.js').then((directory) =>
      directory.createCognitoDirectory({ userPoolId, handOverPassword: options.handOverPassword }),
    ),
  );
}
