import { dispatchBench } from './wake-probe.tmp'
import type { Table } from './table'
const rows: unknown[] = []
const table = { add: (...a: unknown[]) => { rows.push(a) } } as unknown as Table
dispatchBench('postgres://postgres@127.0.0.1:5432/postgres', table).then(() => { console.log(JSON.stringify(rows)) }).catch((e) => { console.error(e); process.exit(1) })
