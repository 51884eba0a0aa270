import type Database from 'better-sqlite3';

// Which commits wait for the disk. The read-write connection runs with synchronous = NORMAL (WAL):
// every commit survives the process being killed, and a power cut can undo only the last commits,
// never corrupt the file. Waiting for the disk on every commit cost two fsyncs per source (robots
// cache, check; bench/fsyncs.ts counts them), each milliseconds on a busy or slow disk. The transaction
// that turns a run's observations into items (and queues their notifications) runs under FULL: its
// fsync of the write-ahead log makes it, and every commit before it, durable before any feed is
// published from them. A run that changed nothing writes no such transaction: its checks reach the
// disk when the system writes them back, and a power cut before that undoes them (the next refresh
// redoes them).

export function durably<T>(db: Database.Database, write: () => T): T {
  db.pragma('synchronous = FULL');
  try {
    return write();
  } finally {
    db.pragma('synchronous = NORMAL');
  }
}
