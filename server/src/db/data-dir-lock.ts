import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
import path from 'node:path'

export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError'
}

export interface DataDirLock { release (): void }

function isRunning (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Embedded PGlite has no inter-process lock of its own: two processes on one data directory lose
 * writes silently. Hold `<dir>/yima.lock` (created exclusively, holding our pid) while the
 * database is open; a lock whose pid no longer runs is stale and taken over.
 */
export function lockDataDir (dir: string): DataDirLock {
  mkdirSync(dir, { recursive: true })
  const file = path.join(dir, 'yima.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600)
      writeSync(fd, String(process.pid))
      closeSync(fd)
      let released = false
      return {
        release () {
          if (released) return
          released = true
          try { unlinkSync(file) } catch { /* already gone: nothing to release */ }
        },
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      const holder = Number.parseInt(readFileSync(file, 'utf8'), 10)
      if (Number.isInteger(holder) && holder !== process.pid && isRunning(holder)) {
        throw new DataDirLockedError(
          `data directory ${dir} is in use by another yima process (pid ${holder}); ` +
          'stop it first, or start this one with another DATA_DIR or with DATABASE_URL')
      }
      if (holder === process.pid) throw new DataDirLockedError(`data directory ${dir} is already open in this process`)
      unlinkSync(file) // stale: its process is gone
    }
  }
  throw new DataDirLockedError(`could not lock data directory ${dir}`)
}
