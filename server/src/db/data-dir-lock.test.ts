import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { DataDirLockedError, lockDataDir } from './data-dir-lock'

const fresh = () => mkdtempSync(path.join(tmpdir(), 'yima-lock-'))

describe('data dir lock', () => {
  it('refuses a second holder with a clear message, and frees the directory on release', () => {
    const dir = fresh()
    const lock = lockDataDir(dir)
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError)
    lock.release()
    expect(existsSync(path.join(dir, 'yima.lock'))).toBe(false)
    lockDataDir(dir).release()
  })

  it('names the process holding the directory', () => {
    const dir = fresh()
    writeFileSync(path.join(dir, 'yima.lock'), String(process.ppid)) // a live process that is not us
    expect(() => lockDataDir(dir)).toThrow(`data directory ${dir} is in use by another yima process (pid ${process.ppid})`)
  })

  it('takes over a lock whose process is gone', () => {
    const dir = fresh()
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString()
    writeFileSync(path.join(dir, 'yima.lock'), gone)
    const lock = lockDataDir(dir)
    lock.release()
  })
})
