// The small runner behind the apps' checks that run outside jest (weapp smoke, browser): one
// `ok` / `FAIL` line per check, then the `<name>: N passed, N failed` line CI adds up.

/** @param {string} name printed before the totals, e.g. 'weapp' */
function createChecks (name) {
  const results = []
  /** Runs one named check; a throw marks it failed and the run goes on. */
  async function check (label, fn) {
    const t0 = Date.now()
    try {
      await fn()
      results.push(true)
      console.log(`ok    ${label} (${Date.now() - t0} ms)`)
    } catch (e) {
      results.push(false)
      console.log(`FAIL  ${label}\n      ${String((e && e.stack) || e).split('\n').slice(0, 8).join('\n      ')}`)
    }
  }
  /** Records a failure outside any check (setup crashed). */
  function fail (e) {
    results.push(false)
    console.log(`FAIL  ${(e && e.stack) || e}`)
  }
  /** Prints the totals and exits: 0 only when something passed and nothing failed. */
  function finish () {
    const passed = results.filter(Boolean).length
    const failed = results.length - passed
    console.log(`${name}: ${passed} passed, ${failed} failed`)
    process.exit(failed === 0 && passed > 0 ? 0 : 1)
  }
  return { check, fail, finish }
}

module.exports = { createChecks }
