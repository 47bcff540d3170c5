import type { Config } from '../config'
import { SecretBox } from './secret-box'

export { SecretBox, SecretBoxError, keyId } from './secret-box'

/** The box for this deployment: SECRETS_KEY seals, it and SECRETS_KEYS_RETIRED open. */
export const secretBoxFrom = (config: Pick<Config, 'secretsKey' | 'secretsKeysRetired'>): SecretBox =>
  new SecretBox(config.secretsKey.reveal(), config.secretsKeysRetired.reveal())
