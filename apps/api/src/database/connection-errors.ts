import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { EventEmitter } from 'node:events';

/** The bits of pg's pool this relies on: its `connect` event for every new client, and the clients it holds. */
interface PgPool extends EventEmitter {
  _clients?: EventEmitter[];
}

const keepAlive = (client: EventEmitter) => {
  // The failure still reaches whoever uses the connection: a running query rejects, and
  // the next one on a dead connection fails (503); this listener only keeps the process up.
  if (!client.listeners('error').includes(ignoreLateError)) client.on('error', ignoreLateError);
};
function ignoreLateError(): void {}

/**
 * When PostgreSQL goes away, a connection can emit `error` at a moment when
 * neither the pool nor TypeORM listens on it (between TypeORM letting go of a
 * failed connection and the pool closing it). Node turns an `error` event
 * without a listener into an exception that ends the process, mid-outage. Every
 * connection gets a listener of its own for its whole life.
 */
@Injectable()
export class ConnectionErrorGuard implements OnModuleInit {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  onModuleInit(): void {
    const pool = (this.db.driver as unknown as { master?: PgPool }).master;
    if (!pool) return;
    pool.on('connect', keepAlive);
    for (const client of pool._clients ?? []) keepAlive(client);
  }
}
