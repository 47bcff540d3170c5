import { databaseTarget, loadConfig } from '../config'
import { openDatabase } from '../db/client'
import { migrate } from '../db/migrate'
import { secretBoxFrom } from '../secrets'
import { resealAll } from '../secrets/reseal'

/**
 * Key rotation, last step: after SECRETS_KEY changed (old value in SECRETS_KEYS_RETIRED), re-encrypt
 * every stored secret under the new key; then the retired key can be dropped. Safe while servers run.
 */
async function main (): Promise<void> {
  const config = loadConfig()
  const database = await openDatabase(databaseTarget(config))
  try {
    await migrate(database, config.database.kind === 'postgres' ? config.database.url.reveal() : undefined)
    const { resealed, current } = await resealAll(database.db, secretBoxFrom(config))
    process.stdout.write(`resealed ${resealed} secret(s); ${current} already under the current key\n`)
  } finally {
    await database.close()
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
