import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PgBoss, type Job } from 'pg-boss';
import type { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

export const DELIVERY_QUEUE = 'delivery';

export interface DeliveryJob {
  practiceId: string;
  deliveryId: string;
}

/**
 * The PostgreSQL job queue (pg-boss) that wakes the mail worker. Jobs are
 * inserted on the caller's own transaction, so a job exists exactly when its
 * delivery row does. pg-boss owns retries with exponential backoff; the
 * delivery row owns what happened (status, attempts, last error).
 */
@Injectable()
export class DeliveryQueue implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger('delivery');
  private boss?: PgBoss;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const options = this.db.options as { url?: string };
    const working = Boolean(this.config.mail.smtpUrl);
    const boss = new PgBoss({
      connectionString: options.url,
      schema: 'pgboss',
      max: working ? 3 : 1,
      application_name: 'tandem-delivery',
      // Without a mail server nothing is worked, so nothing needs supervising.
      supervise: working,
      schedule: false,
    });
    // A database outage surfaces here while pg-boss polls; it recovers by itself. Only the code is logged.
    boss.on('error', (error: unknown) => this.log.warn(`queue error ${(error as { code?: string }).code ?? 'unknown'}`));
    await boss.start();
    if (!(await boss.getQueue(DELIVERY_QUEUE))) {
      await boss.createQueue(DELIVERY_QUEUE, {
        retryLimit: this.config.mail.maxAttempts + 2,
        retryDelay: this.config.mail.retrySeconds,
        retryBackoff: true,
        retryDelayMax: 3600,
        expireInSeconds: 900,
      });
    }
    this.boss = boss;
  }

  async onModuleDestroy(): Promise<void> {
    await this.boss?.stop({ graceful: true, timeout: 10_000, close: true });
  }

  /** Inserts the job on the transaction `tx`: it commits or rolls back with it. */
  async send(tx: EntityManager, job: DeliveryJob, startAfter?: Date): Promise<void> {
    await this.started().send(DELIVERY_QUEUE, job, {
      startAfter,
      db: { executeSql: async (text: string, values?: unknown[]) => ({ rows: (await tx.query(text, values)) as unknown[] }) },
    });
  }

  async work(handler: (job: DeliveryJob) => Promise<void>): Promise<void> {
    await this.started().work<DeliveryJob>(DELIVERY_QUEUE, { pollingIntervalSeconds: 1, batchSize: 1 }, async (jobs: Job<DeliveryJob>[]) => {
      for (const job of jobs) await handler(job.data);
    });
  }

  private started(): PgBoss {
    if (!this.boss) throw new Error('The delivery queue has not started.');
    return this.boss;
  }
}
