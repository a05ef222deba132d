// Holds a table's WAL open until killed: the other process in wal-owner.test.ts.
import { fsWal } from './fs.ts'

const [root, table] = process.argv.slice(2)
if (!root || !table) throw new Error('usage: wal-owner.child <root> <table>')
await fsWal({ root })(table)
process.stdout.write('ready\n')
setInterval(() => undefined, 1_000)
