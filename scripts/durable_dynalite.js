'use strict'
// The local run's DynamoDB: dynalite on LevelDB in a folder, with two changes to how it runs.
//
// - Every write is synced to disk before DynamoDB answers (LevelDB's `sync` option, off by default):
//   a submission the service answered 201 survives a power cut, not only a killed process.
// - It stops when the process that started it goes away (its stdin closes): a `kill -9` of
//   `python -m service serve` must not leave it holding the folder's lock.
//
// Usage: node durable_dynalite.js NODE_MODULES_DIR DATA_DIR [HOST]
// Prints "listening PORT" once it accepts connections (PORT chosen by the system).
const path = require('path')

const [modules, dataDir, host = '127.0.0.1'] = process.argv.slice(2)
if (!modules || !dataDir) {
  console.error('usage: node durable_dynalite.js NODE_MODULES_DIR DATA_DIR [HOST]')
  process.exit(2)
}

const { ClassicLevel } = require(path.join(modules, 'classic-level'))
for (const name of ['_put', '_del', '_batch']) {
  const original = ClassicLevel.prototype[name]
  ClassicLevel.prototype[name] = function (...args) {
    // abstract-level passes the options object last: _put(key, value, options), _del(key, options),
    // _batch(operations, options).
    const last = args.length - 1
    args[last] = Object.assign({}, args[last], { sync: true })
    return original.apply(this, args)
  }
}

const dynalite = require(path.join(modules, 'dynalite'))
const server = dynalite({ path: dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 })
server.listen(0, host, () => {
  console.log('listening ' + server.address().port)
})

process.stdin.on('end', () => process.exit(0))
process.stdin.on('error', () => process.exit(0))
process.stdin.resume()
process.on('SIGTERM', () => process.exit(0))
