import {
  DecryptCommand,
  EncryptCommand,
  IncorrectKeyException,
  InvalidCiphertextException,
  KMSClient,
  NotFoundException,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KMS_MAX_PLAINTEXT_BYTES, LOCAL_KMS_KEY_ID } from '../../../local/aws/local-kms.js';
import { createKmsSecretSealer } from '../../../shared/adapters/kms-secret-sealer.js';
import { type LocalAws, rejectionOf, startLocalAws } from './local-aws.js';

/**
 * The local KMS against `Encrypt` / `Decrypt` as documented (API Reference: Plaintext of 1 to 4,096
 * bytes; the same encryption context to decrypt, else InvalidCiphertextException; a KeyId that is not
 * the blob's key, IncorrectKeyException), driven by the SDK client and the platform's secret sealer.
 */
let aws: LocalAws;
let client: KMSClient;
const context = { tenant_id: 'ten_1', endpoint_id: 'we_1' };

beforeAll(async () => {
  aws = await startLocalAws();
  client = new KMSClient(aws.config);
  // The sealer builds its own client from the environment, as in Lambda.
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_KMS: aws.endpoint,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_REGION: 'us-east-1',
  });
});
afterAll(() => aws.stop());

const encrypt = (plaintext: string | Uint8Array, encryptionContext: Record<string, string> = context) =>
  client.send(
    new EncryptCommand({
      KeyId: LOCAL_KMS_KEY_ID,
      Plaintext: typeof plaintext === 'string' ? Buffer.from(plaintext) : plaintext,
      EncryptionContext: encryptionContext,
    }),
  );

describe('Encrypt / Decrypt', () => {
  it('round-trips a plaintext under its encryption context, naming the key', async () => {
    const { CiphertextBlob, KeyId } = await encrypt('whsec_secret');
    const opened = await client.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: context }));

    expect(Buffer.from(opened.Plaintext as Uint8Array).toString()).toBe('whsec_secret');
    expect(opened.KeyId).toBe(KeyId);
    expect(KeyId).toBe(`arn:aws:kms:us-east-1:000000000000:${LOCAL_KMS_KEY_ID}`);
  });

  it('refuses another encryption context, or none, with InvalidCiphertextException', async () => {
    const { CiphertextBlob } = await encrypt('whsec_secret');

    const otherTenant = await rejectionOf(
      client.send(
        new DecryptCommand({ CiphertextBlob, EncryptionContext: { ...context, tenant_id: 'ten_2' } }),
      ),
    );
    const none = await rejectionOf(client.send(new DecryptCommand({ CiphertextBlob })));

    expect(otherTenant).toBeInstanceOf(InvalidCiphertextException);
    expect(none).toBeInstanceOf(InvalidCiphertextException);
  });

  it('refuses a tampered ciphertext', async () => {
    const { CiphertextBlob } = await encrypt('whsec_secret');
    const tampered = Uint8Array.from(CiphertextBlob as Uint8Array);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1;

    const error = await rejectionOf(
      client.send(new DecryptCommand({ CiphertextBlob: tampered, EncryptionContext: context })),
    );
    expect(error).toBeInstanceOf(InvalidCiphertextException);
  });

  it('encrypts at most 4,096 bytes (ValidationException above)', async () => {
    await encrypt(new Uint8Array(KMS_MAX_PLAINTEXT_BYTES).fill(65));
    const error = await rejectionOf(encrypt(new Uint8Array(KMS_MAX_PLAINTEXT_BYTES + 1).fill(65)));

    expect(KMS_MAX_PLAINTEXT_BYTES).toBe(4096);
    expect(error.name).toBe('ValidationException');
    expect(error.message).toBe(
      "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096",
    );
  });

  it('refuses an unknown key (NotFoundException) and a KeyId that is not the ciphertext’s (IncorrectKeyException)', async () => {
    const unknown = await rejectionOf(
      client.send(new EncryptCommand({ KeyId: 'alias/other', Plaintext: Buffer.from('x') })),
    );
    const { CiphertextBlob } = await encrypt('x');
    const otherKey = await rejectionOf(
      client.send(new DecryptCommand({ CiphertextBlob, KeyId: 'alias/other', EncryptionContext: context })),
    );

    expect(unknown).toBeInstanceOf(NotFoundException);
    expect(otherKey).toBeInstanceOf(IncorrectKeyException);
  });
});

describe("the platform's secret sealer", () => {
  it("seals a webhook secret and opens it with the same tenant and endpoint (a new instance: KMS's answer, not its cache)", async () => {
    const sealed = await createKmsSecretSealer({ keyId: LOCAL_KMS_KEY_ID }).seal('whsec_abc', context);

    const opened = await createKmsSecretSealer({ keyId: LOCAL_KMS_KEY_ID }).open(sealed, context);

    expect(sealed).toMatch(/^kms:/);
    expect(opened).toBe('whsec_abc');
  });

  it("will not open a secret under another endpoint's context", async () => {
    const sealed = await createKmsSecretSealer({ keyId: LOCAL_KMS_KEY_ID }).seal('whsec_abc', context);

    const error = await rejectionOf(
      createKmsSecretSealer({ keyId: LOCAL_KMS_KEY_ID }).open(sealed, { ...context, endpoint_id: 'we_2' }),
    );

    expect(error).toBeInstanceOf(InvalidCiphertextException);
  });
});
