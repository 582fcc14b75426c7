import { createHash, randomBytes } from 'node:crypto';

/** The account every local caller with the local credentials (`local`/`local`) belongs to. */
export const LOCAL_ACCOUNT = '000000000000';
/** The access key of the local credentials (LOCAL_AWS_ENV). */
const LOCAL_ACCESS_KEY = 'local';

/** Who called the local AWS endpoint, as AWS would know them from the request's signature. */
export interface LocalCaller {
  /** The caller's account: the local one for the local credentials, another for any other key. */
  account: string;
  /** The caller's IAM role id (`AROA…`), stable per access key. */
  roleId: string;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * The caller behind a SigV4 `Authorization` header: each access key is its own role (and, but for the
 * local key, its own account). What EventBridge puts in `account` and SQS in `SenderId` comes from
 * here, so routing on them is exercised locally as it is in AWS: a caller cannot claim another's.
 */
export function callerOf(authorization: string | undefined): LocalCaller {
  const accessKey = /Credential=([^/,\s]+)\//.exec(authorization ?? '')?.[1] ?? 'anonymous';
  const hash = digest(accessKey);
  const account =
    accessKey === LOCAL_ACCESS_KEY
      ? LOCAL_ACCOUNT
      : String(hash.readBigUInt64BE(0) % 10n ** 12n).padStart(12, '0');
  const roleId = `AROA${hash.subarray(8, 20).toString('hex').toUpperCase().slice(0, 17)}`;
  return { account, roleId };
}

/** The local credentials' role id: what `npm start` routes to the demo tenant. */
export const LOCAL_ROLE_ID = callerOf(`Credential=${LOCAL_ACCESS_KEY}/`).roleId;

/**
 * An SQS SenderId as AWS writes it for an assumed role: `<role id>:<session name>`, where the
 * session name changes per instance or task. Routing must match the role id only.
 */
export const senderIdOf = (caller: LocalCaller) =>
  `${caller.roleId}:session-${randomBytes(4).toString('hex')}`;

/** Whether a request is signed with the local credentials (the platform's own, the CLI's). */
export const isLocalCredential = (authorization: string | undefined) =>
  /Credential=local\//.test(authorization ?? '');
