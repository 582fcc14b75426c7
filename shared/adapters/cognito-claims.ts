/**
 * The claim carrying a user's tenant: a Cognito custom attribute only the admin API may write. Its
 * own module, so the portal's request handling reads it without loading the Cognito client.
 */
export const TENANT_CLAIM = 'custom:tenant_id';
